import { and, asc, count, desc, eq, getTableColumns, inArray, isNull, lte, notInArray, sql } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import { selectableColumns } from "../../access/access.js";
import { noteRows } from "../../access/audit.js";
import type { Context } from "../../context.js";
import type { Drizzle } from "../../db/client.js";
import {
  assistanceMeasures,
  caseAlerts,
  caseObjections,
  followUpVisits,
  householdEvents,
  householdIncomes,
  households,
  monitoringCases,
  riskAlerts,
} from "../../db/schema.js";
import { defineListing } from "../../shared/page-query.js";
import { monitoringLineSql } from "../monitoring/guarantee.repository.js";
import type { Connection, PageArgs } from "../../shared/pagination.js";
import { underRegion } from "../../shared/region-code.js";
import { isoTimestamps, withGlobalIds } from "../../shared/rows.js";
import type { AssistanceRow, CaseRow, FollowUpRow, ObjectionRow } from "./case.type.js";

type Status = (typeof monitoringCases.status.enumValues)[number];
type Source = (typeof monitoringCases.source.enumValues)[number];
const ACTIVE_ALERT = ["OPEN", "VERIFIED", "ASSISTING"] as const;
const CLOSED: Status[] = ["RISK_ELIMINATED", "REJECTED"];

// ---- reads, in the principal's scope and the policy's row rules ----

const caseColumns = (ctx: Context) =>
  selectableColumns(ctx.access, "MonitoringCase", monitoringCases, ["id", "householdId", "villageCode", "status"]);

/** Cases are personal data: a response that shows them is audited with their household. */
const toCaseRows = (rows: Record<string, unknown>[]) => {
  isoTimestamps(rows, ["createdAt", "updatedAt"]);
  noteRows("MonitoringCase", rows);
  return withGlobalIds("MonitoringCase", rows as { id: number }[]) as unknown as CaseRow[];
};

const visible = (ctx: Context) => [
  ctx.access.scope(monitoringCases.villageCode),
  ctx.access.rowCondition("MonitoringCase", monitoringCases),
];

const caseListing = defineListing<CaseRow>({
  type: "MonitoringCase",
  table: monitoringCases,
  columns: caseColumns,
  orderings: [
    { name: "NEWEST", direction: "desc", columns: [monitoringCases.id], key: (r) => [r.rowId] },
    { name: "OLDEST", direction: "asc", columns: [monitoringCases.id], key: (r) => [r.rowId] },
  ],
  map: toCaseRows,
});

export interface CaseConditions {
  regionCode: string | null;
  status?: string[] | null;
  source?: string[] | null;
}

export function pageCases(ctx: Context, f: CaseConditions, args: PageArgs): Promise<Connection<CaseRow>> {
  return caseListing.page(
    ctx,
    [
      ...visible(ctx),
      f.regionCode ? underRegion(monitoringCases.villageCode, f.regionCode) : undefined,
      f.status?.length ? inArray(monitoringCases.status, f.status as Status[]) : undefined,
      f.source?.length ? inArray(monitoringCases.source, f.source as Source[]) : undefined,
    ],
    "NEWEST",
    args,
  );
}

export async function findCasesByIds(ctx: Context, ids: readonly number[]): Promise<CaseRow[]> {
  const rows = await ctx.db
    .select(caseColumns(ctx))
    .from(monitoringCases)
    .where(and(inArray(monitoringCases.id, [...ids]), ...visible(ctx)));
  return toCaseRows(rows);
}

export async function findCasesByHouseholds(ctx: Context, ids: readonly number[]): Promise<CaseRow[]> {
  const rows = await ctx.db
    .select(caseColumns(ctx))
    .from(monitoringCases)
    .where(and(inArray(monitoringCases.householdId, [...ids]), ...visible(ctx)))
    .orderBy(desc(monitoringCases.id));
  return toCaseRows(rows);
}

// The parts of a case are read only through a case already loaded in scope.

export async function findObjections(ctx: Context, caseIds: readonly number[]): Promise<ObjectionRow[]> {
  return ctx.db
    .select()
    .from(caseObjections)
    .where(inArray(caseObjections.caseId, [...caseIds]))
    .orderBy(asc(caseObjections.id));
}

export async function findAssistance(ctx: Context, caseIds: readonly number[]): Promise<AssistanceRow[]> {
  return ctx.db
    .select()
    .from(assistanceMeasures)
    .where(inArray(assistanceMeasures.caseId, [...caseIds]))
    .orderBy(asc(assistanceMeasures.id));
}

export async function findFollowUps(ctx: Context, caseIds: readonly number[]): Promise<FollowUpRow[]> {
  return ctx.db
    .select()
    .from(followUpVisits)
    .where(inArray(followUpVisits.caseId, [...caseIds]))
    .orderBy(asc(followUpVisits.dueOn), asc(followUpVisits.id));
}

/**
 * Parts of cases by row id, each only with its case in the caller's scope and row rules (the
 * change feed's view of them: in queries they are reached through their case).
 */
async function partsByIds<T extends PgTable>(ctx: Context, type: string, table: T, ids: readonly number[]) {
  const columns = getTableColumns(table) as Record<string, AnyPgColumn>;
  const rows = await ctx.db
    .select(columns)
    .from(table as PgTable)
    .innerJoin(monitoringCases, eq(monitoringCases.id, columns.caseId!))
    .where(and(inArray(columns.id!, [...ids]), ...visible(ctx)));
  return withGlobalIds(type, rows as { id: number }[]);
}

export const findObjectionsByIds = (ctx: Context, ids: readonly number[]) =>
  partsByIds(ctx, "CaseObjection", caseObjections, ids);
export const findAssistanceByIds = (ctx: Context, ids: readonly number[]) =>
  partsByIds(ctx, "AssistanceMeasure", assistanceMeasures, ids);
export const findFollowUpsByIds = (ctx: Context, ids: readonly number[]) =>
  partsByIds(ctx, "FollowUpVisit", followUpVisits, ids);

export async function findCaseAlertIds(ctx: Context, caseIds: readonly number[]) {
  return ctx.db
    .select()
    .from(caseAlerts)
    .where(inArray(caseAlerts.caseId, [...caseIds]))
    .orderBy(asc(caseAlerts.alertId));
}

/** Follow-up visits not yet made and due on or before `day`, in scope, earliest first. */
export function pageFollowUpsDue(ctx: Context, regionCode: string | null, day: string, args: PageArgs) {
  return followUpListing.page(
    ctx,
    [
      ctx.access.scope(followUpVisits.villageCode),
      regionCode ? underRegion(followUpVisits.villageCode, regionCode) : undefined,
      isNull(followUpVisits.visitedOn),
      lte(followUpVisits.dueOn, day),
    ],
    "DUE",
    args,
  );
}

type FollowUpNode = Omit<FollowUpRow, "id" | "caseId"> & { id: string; rowId: number; caseId: number };
const followUpListing = defineListing<FollowUpNode>({
  type: "FollowUpVisit",
  table: followUpVisits,
  columns: () => ({ ...followUpVisits }) as never,
  orderings: [
    {
      name: "DUE",
      direction: "asc",
      columns: [followUpVisits.dueOn, followUpVisits.id],
      key: (r) => [r.dueOn, r.rowId],
    },
  ],
  map: (rows) => withGlobalIds("FollowUpVisit", rows as { id: number }[]) as unknown as FollowUpNode[],
});

/** The household a case is opened for, if in scope: what opening and confirming need of it. */
export async function findCaseHousehold(ctx: Context | { db: Drizzle; access: Context["access"] }, id: number) {
  const [row] = await ctx.db
    .select({
      id: households.id,
      villageCode: households.villageCode,
      status: households.status,
      exitedYear: households.exitedYear,
      monitoringStatus: households.monitoringStatus,
      monitoringType: households.monitoringType,
      version: households.version,
    })
    .from(households)
    .where(and(eq(households.id, id), ctx.access.scope(households.villageCode)));
  return row ?? null;
}

/** Which of the given alerts belong to the household (the others are not its own or not in scope). */
export async function alertsOfHousehold(ctx: Context, householdId: number, alertIds: number[]): Promise<number[]> {
  if (!alertIds.length) return [];
  const rows = await ctx.db
    .select({ id: riskAlerts.id })
    .from(riskAlerts)
    .where(
      and(
        inArray(riskAlerts.id, alertIds),
        eq(riskAlerts.householdId, householdId),
        ctx.access.scope(riskAlerts.villageCode),
      ),
    );
  return rows.map((r) => r.id);
}

/** Whether the household has a case not yet closed. */
export async function hasActiveCase(ctx: Context, householdId: number): Promise<boolean> {
  const [row] = await ctx.db
    .select({ n: count() })
    .from(monitoringCases)
    .where(and(eq(monitoringCases.householdId, householdId), notInArray(monitoringCases.status, CLOSED)));
  return (row?.n ?? 0) > 0;
}

export const ONE_ACTIVE_CASE = "monitoring_cases_one_active";

/**
 * Counts of a region: cases in identification; households by monitoring status and type, read from
 * the household (what a county confirmation or a risk elimination set, and what a household
 * converted from the old MONITORED status holds without a case); 返贫 and 致贫 events apart.
 */
export async function countMonitoring(ctx: Context, regionCode: string) {
  const [cases] = await ctx.db
    .select({
      identifying: sql<number>`count(*) FILTER (WHERE ${monitoringCases.status} IN ('OPENED','VERIFIED','NOTICED','REVIEWED'))::int`,
    })
    .from(monitoringCases)
    .where(
      and(
        ctx.access.scope(monitoringCases.villageCode),
        regionCode ? underRegion(monitoringCases.villageCode, regionCode) : undefined,
      ),
    );
  const inRegion = and(
    ctx.access.scope(households.villageCode),
    regionCode ? underRegion(households.villageCode, regionCode) : undefined,
  );
  const fell = ctx.db
    .select({
      counts: sql`jsonb_build_object(
        'returned', count(*) FILTER (WHERE ${householdEvents.kind} = 'RETURNED_TO_POVERTY'),
        'became', count(*) FILTER (WHERE ${householdEvents.kind} = 'BECAME_POOR'))`,
    })
    .from(householdEvents)
    .innerJoin(households, eq(households.id, householdEvents.householdId))
    .where(and(inArray(householdEvents.kind, ["RETURNED_TO_POVERTY", "BECAME_POOR"]), inRegion));
  const monitored = (type: string) =>
    sql<number>`count(*) FILTER (WHERE ${households.monitoringStatus} = 'MONITORED' AND ${households.monitoringType} = ${type})::int`;
  const [standing] = await ctx.db
    .select({
      unstable: monitored("UNSTABLE"),
      marginal: monitored("MARGINAL"),
      sudden: monitored("SUDDEN_HARDSHIP"),
      eliminated: sql<number>`count(*) FILTER (WHERE ${households.monitoringStatus} = 'RISK_ELIMINATED')::int`,
      fell: sql<{ returned: number; became: number }>`(${fell})`,
    })
    .from(households)
    .where(inRegion);
  const { fell: events, ...monitoring } = standing!;
  return { identifying: cases!.identifying, monitoring, events };
}

// ---- inside a step's transaction (the case row is locked by the write engine) ----

/** Whether the household had been registered poor, as the county confirmation found it. */
export async function setCaseFormerlyPoor(tx: Drizzle, caseId: number, formerlyPoor: boolean): Promise<void> {
  await tx.update(monitoringCases).set({ formerlyPoor }).where(eq(monitoringCases.id, caseId));
}

export async function insertCase(tx: Drizzle, values: typeof monitoringCases.$inferInsert): Promise<number> {
  const [row] = await tx.insert(monitoringCases).values(values).returning({ id: monitoringCases.id });
  return row!.id;
}

export async function linkAlerts(tx: Drizzle, caseId: number, alertIds: number[]): Promise<void> {
  if (alertIds.length) await tx.insert(caseAlerts).values(alertIds.map((alertId) => ({ caseId, alertId })));
}

export async function objectionsOf(tx: Drizzle, caseId: number) {
  return tx.select().from(caseObjections).where(eq(caseObjections.caseId, caseId)).orderBy(asc(caseObjections.id));
}

export async function insertObjection(tx: Drizzle, values: typeof caseObjections.$inferInsert): Promise<void> {
  await tx.insert(caseObjections).values(values);
}

export async function settleObjection(
  tx: Drizzle,
  caseId: number,
  id: number,
  values: { settledOn: string; settlement: string; upheld: boolean },
): Promise<void> {
  await tx
    .update(caseObjections)
    .set(values)
    .where(and(eq(caseObjections.id, id), eq(caseObjections.caseId, caseId)));
}

export async function insertAssistance(tx: Drizzle, values: typeof assistanceMeasures.$inferInsert): Promise<void> {
  await tx.insert(assistanceMeasures).values(values);
}

export async function insertFollowUps(tx: Drizzle, values: (typeof followUpVisits.$inferInsert)[]): Promise<void> {
  if (values.length) await tx.insert(followUpVisits).values(values);
}

/** The earliest follow-up of a case not yet made. */
export async function nextFollowUp(tx: Drizzle, caseId: number) {
  const [row] = await tx
    .select()
    .from(followUpVisits)
    .where(and(eq(followUpVisits.caseId, caseId), isNull(followUpVisits.visitedOn)))
    .orderBy(asc(followUpVisits.dueOn), asc(followUpVisits.id))
    .limit(1);
  return row ?? null;
}

export async function recordVisit(
  tx: Drizzle,
  id: number,
  values: { visitedOn: string; findings: string; visitedBy: string },
): Promise<void> {
  await tx.update(followUpVisits).set(values).where(eq(followUpVisits.id, id));
}

/** The case's alerts still being worked, with their versions (to resolve them with the case). */
export async function linkedActiveAlerts(tx: Drizzle, caseId: number) {
  return tx
    .select({ id: riskAlerts.id, version: riskAlerts.version })
    .from(riskAlerts)
    .innerJoin(caseAlerts, eq(caseAlerts.alertId, riskAlerts.id))
    .where(and(eq(caseAlerts.caseId, caseId), inArray(riskAlerts.status, [...ACTIVE_ALERT])))
    .orderBy(asc(riskAlerts.id));
}

/** Active alerts of a household, with whether the case links them. */
export async function activeAlertsOf(tx: Drizzle, householdId: number, caseId: number) {
  return tx
    .select({
      id: riskAlerts.id,
      signal: riskAlerts.signal,
      guaranteeItem: riskAlerts.guaranteeItem,
      status: riskAlerts.status,
      linked: sql<boolean>`EXISTS (SELECT 1 FROM ${caseAlerts} WHERE ${caseAlerts.caseId} = ${caseId} AND ${caseAlerts.alertId} = ${riskAlerts.id})`,
    })
    .from(riskAlerts)
    .where(and(eq(riskAlerts.householdId, householdId), inArray(riskAlerts.status, [...ACTIVE_ALERT])))
    .orderBy(asc(riskAlerts.id));
}

/** Per-capita net income of a household's latest `years` income years, latest first. */
export async function latestIncomes(tx: Drizzle, householdId: number, years: number) {
  return tx
    .select({
      year: householdIncomes.year,
      perCapitaNetIncome: householdIncomes.perCapitaNetIncome,
      // The monitoring line of the income's year and village (monitoring standards, per region).
      line: sql<number | null>`${monitoringLineSql(
        sql`${householdIncomes.year}::int`,
        sql`(SELECT h.village_code FROM households h WHERE h.id = ${householdIncomes.householdId})`,
      )}::float8`,
    })
    .from(householdIncomes)
    .where(eq(householdIncomes.householdId, householdId))
    .orderBy(desc(householdIncomes.year))
    .limit(years);
}
