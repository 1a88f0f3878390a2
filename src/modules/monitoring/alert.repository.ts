import { and, asc, desc, eq, gt, gte, inArray, isNull, lte, sql } from "drizzle-orm";
import { selectableColumns } from "../../access/access.js";
import { noteRows } from "../../access/audit.js";
import type { Context } from "../../context.js";
import type { Drizzle } from "../../db/client.js";
import { alertEvents, cadreHouseholdAssignments, households, members, riskAlerts } from "../../db/schema.js";
import { defineListing } from "../../shared/page-query.js";
import type { Connection, PageArgs } from "../../shared/pagination.js";
import { underRegion } from "../../shared/region-code.js";
import { withGlobalIds } from "../../shared/rows.js";
import { isoTimestamps } from "../../shared/rows.js";
import type { AlertEventRow, AlertRow } from "./alert.type.js";

/** The channel committed alerts are announced on (NOTIFY is delivered only if the write commits). */
export const ALERT_CHANNEL = "risk_alerts";

type Signal = (typeof riskAlerts.signal.enumValues)[number];
type Status = (typeof riskAlerts.status.enumValues)[number];
export const ACTIVE_STATUSES: Status[] = ["OPEN", "VERIFIED", "ASSISTING"];

export interface NewAlert {
  householdId: number;
  villageCode: string;
  memberId: number | null;
  signal: Signal;
  guaranteeItem: string | null;
  department: string;
  raisedBy: string;
  trigger: Record<string, unknown>;
  helperCadreId: number | null;
}

// ---- inside a write's transaction (already scoped by the write's lock) ----

/** Status and monitoring type of households: whether they were poor (the medical-expense threshold). */
export async function householdStatusOf(tx: Drizzle, ids: number[]) {
  const rows = await tx
    .select({
      id: households.id,
      status: households.status,
      monitoringType: households.monitoringType,
    })
    .from(households)
    .where(inArray(households.id, ids));
  return new Map(rows.map((r) => [r.id, r]));
}

/** What the guarantees need of every member of the households, as the write left them. */
export async function membersOfHouseholds(tx: Drizzle, ids: number[]) {
  const rows = await tx
    .select({
      id: members.id,
      householdId: members.householdId,
      birthDate: members.birthDate,
      schoolingStatus: members.schoolingStatus,
      hasBasicMedicalInsurance: members.hasBasicMedicalInsurance,
    })
    .from(members)
    .where(inArray(members.householdId, ids));
  const byHousehold = new Map<number, Record<string, unknown>[]>();
  for (const row of rows) byHousehold.set(row.householdId, [...(byHousehold.get(row.householdId) ?? []), row]);
  return byHousehold;
}

export function activeAlertsOf(tx: Drizzle, householdIds: number[]) {
  return tx
    .select({
      householdId: riskAlerts.householdId,
      signal: riskAlerts.signal,
      guaranteeItem: riskAlerts.guaranteeItem,
      memberId: riskAlerts.memberId,
    })
    .from(riskAlerts)
    .where(and(inArray(riskAlerts.householdId, householdIds), inArray(riskAlerts.status, ACTIVE_STATUSES)));
}

export async function currentHelpersOf(tx: Drizzle, householdIds: number[]) {
  const rows = await tx
    .select({ householdId: cadreHouseholdAssignments.householdId, cadreId: cadreHouseholdAssignments.cadreId })
    .from(cadreHouseholdAssignments)
    .where(
      and(inArray(cadreHouseholdAssignments.householdId, householdIds), isNull(cadreHouseholdAssignments.endDate)),
    );
  return new Map(rows.map((r) => [r.householdId, r.cadreId]));
}

/** Inserts the alerts with their first event and announces them once the transaction commits. */
export async function insertAlerts(tx: Drizzle, alerts: NewAlert[]): Promise<number[]> {
  if (!alerts.length) return [];
  const { department, raisedBy } = alerts[0]!;
  const ids: number[] = [];
  for (let i = 0; i < alerts.length; i += 1000) {
    // A concurrent write that raised the same active alert first wins (partial unique index).
    const inserted = await tx
      .insert(riskAlerts)
      .values(alerts.slice(i, i + 1000))
      .onConflictDoNothing()
      .returning({ id: riskAlerts.id });
    if (!inserted.length) continue;
    ids.push(...inserted.map((r) => r.id));
    await tx.insert(alertEvents).values(
      inserted.map((r) => ({
        alertId: r.id,
        fromStatus: null,
        toStatus: "OPEN" as const,
        note: `raised by a ${department} write`,
        recordedBy: raisedBy,
        department,
      })),
    );
  }
  await announceAlerts(tx, ids);
  return ids;
}

/**
 * Announces new alerts to the subscription hub when the transaction commits: one statement, one
 * notification per 500 ids (each payload far below NOTIFY's 8,000-byte limit).
 */
export async function announceAlerts(tx: Drizzle, ids: readonly number[]): Promise<void> {
  if (!ids.length) return;
  const payloads: string[] = [];
  for (let i = 0; i < ids.length; i += 500) payloads.push(JSON.stringify(ids.slice(i, i + 500)));
  await tx.execute(
    sql`SELECT ${sql.join(
      payloads.map((p) => sql`pg_notify(${ALERT_CHANNEL}, ${p})`),
      sql`, `,
    )}`,
  );
}

// ---- the subscription hub's catch-up (ids only; each subscriber reads the alerts in its own scope) ----

/** The newest alert's id (0 when there is none): where a hub starts counting what it has heard. */
export async function latestAlertId(db: Drizzle): Promise<number> {
  const [row] = await db.select({ id: sql<number>`coalesce(max(${riskAlerts.id}), 0)::int` }).from(riskAlerts);
  return row?.id ?? 0;
}

/** Ids of the alerts after `afterId`, oldest first: those committed while the hub's LISTEN was lost. */
export async function alertIdsAfter(db: Drizzle, afterId: number): Promise<number[]> {
  const rows = await db
    .select({ id: riskAlerts.id })
    .from(riskAlerts)
    .where(gt(riskAlerts.id, afterId))
    .orderBy(asc(riskAlerts.id));
  return rows.map((r) => r.id);
}

// ---- reads, scoped to the principal ----

export interface AlertConditions {
  regionCode?: string | null;
  status?: string[] | null;
  signal?: string[] | null;
  department?: string[] | null;
  householdId?: number | null;
  /** Raised at or before / at or after (derived from the age filter). */
  raisedOnOrBefore?: Date | null;
  raisedOnOrAfter?: Date | null;
}

const alertColumns = (ctx: Context) =>
  selectableColumns(ctx.access, "RiskAlert", riskAlerts, [
    "id",
    "householdId",
    "memberId",
    "helperCadreId",
    "villageCode",
    "trigger",
    "raisedAt",
  ]);

const toAlertRows = (rows: Record<string, unknown>[]) => {
  isoTimestamps(rows, ["raisedAt", "updatedAt"]);
  // Triggering values are member data: a response that shows them is audited with the household.
  noteRows("RiskAlert", rows);
  return withGlobalIds("RiskAlert", rows as { id: number }[]) as unknown as AlertRow[];
};

const inScope = (ctx: Context) => ctx.access.scope(riskAlerts.villageCode);

const alertListing = defineListing<AlertRow>({
  type: "RiskAlert",
  table: riskAlerts,
  columns: alertColumns,
  orderings: [
    { name: "NEWEST", direction: "desc", columns: [riskAlerts.id], key: (r) => [r.rowId] },
    { name: "OLDEST", direction: "asc", columns: [riskAlerts.id], key: (r) => [r.rowId] },
  ],
  map: toAlertRows,
});

export function pageAlerts(
  ctx: Context,
  f: AlertConditions,
  order: string,
  args: PageArgs,
): Promise<Connection<AlertRow>> {
  return alertListing.page(
    ctx,
    [
      inScope(ctx),
      f.regionCode ? underRegion(riskAlerts.villageCode, f.regionCode) : undefined,
      f.status?.length ? inArray(riskAlerts.status, f.status as Status[]) : undefined,
      f.signal?.length ? inArray(riskAlerts.signal, f.signal as Signal[]) : undefined,
      f.department?.length ? inArray(riskAlerts.department, f.department) : undefined,
      f.householdId != null ? eq(riskAlerts.householdId, f.householdId) : undefined,
      f.raisedOnOrBefore ? lte(riskAlerts.raisedAt, f.raisedOnOrBefore) : undefined,
      f.raisedOnOrAfter ? gte(riskAlerts.raisedAt, f.raisedOnOrAfter) : undefined,
    ],
    order,
    args,
  );
}

export async function findAlertsByIds(ctx: Context, ids: readonly number[]): Promise<AlertRow[]> {
  const rows = await ctx.db
    .select(alertColumns(ctx))
    .from(riskAlerts)
    .where(and(inArray(riskAlerts.id, [...ids]), inScope(ctx)));
  return toAlertRows(rows);
}

/** Alerts of many households, newest first. */
export async function findAlertsByHouseholds(ctx: Context, ids: readonly number[]): Promise<AlertRow[]> {
  const rows = await ctx.db
    .select(alertColumns(ctx))
    .from(riskAlerts)
    .where(and(inArray(riskAlerts.householdId, [...ids]), inScope(ctx)))
    .orderBy(desc(riskAlerts.id));
  return toAlertRows(rows);
}

/** Workflow events of many alerts (the alerts are in scope: they were loaded through it). */
export async function findAlertEvents(ctx: Context, alertIds: readonly number[]): Promise<AlertEventRow[]> {
  const rows = await ctx.db
    .select()
    .from(alertEvents)
    .where(inArray(alertEvents.alertId, [...alertIds]))
    .orderBy(asc(alertEvents.alertId), asc(alertEvents.id));
  isoTimestamps(rows as Record<string, unknown>[], ["recordedAt"]);
  return rows as unknown as AlertEventRow[];
}

/** Appends one workflow event; the status itself is written by the owned-write path. */
export async function insertAlertEvent(tx: Drizzle, event: typeof alertEvents.$inferInsert): Promise<void> {
  await tx.insert(alertEvents).values(event);
}
