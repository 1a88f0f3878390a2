import { and, eq, getTableColumns, inArray, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Context } from "../../context.js";
import type { Drizzle } from "../../db/client.js";
import { householdEvents, households, regions, villages } from "../../db/schema.js";
import { today } from "../../shared/dates.js";

/** The transaction handle every write of one mutation goes through. */
export type Tx = Parameters<Parameters<Drizzle["transaction"]>[0]>[0];

/** The outcome of a versioned write inside its transaction. */
export type TxState =
  | { kind: "missing" }
  | { kind: "conflict"; currentVersion: number }
  | { kind: "invalid"; field: string; code: string; message: string }
  | { kind: "unchanged" }
  | { kind: "applied"; id: number };

/**
 * Locks one versioned row in the principal's scope for the rest of the transaction; undefined when it
 * does not exist or is out of scope (the caller cannot tell which). A caller that writes no key column
 * of the row may take the weaker "no key update" lock, which lets concurrent inserts referencing the
 * row check their foreign keys without waiting.
 */
export async function lockRow(
  tx: Tx,
  table: PgTable,
  id: number,
  scope: SQL | undefined,
  strength: "update" | "no key update" = "update",
): Promise<Record<string, unknown> | undefined> {
  const columns = getTableColumns(table) as Record<string, AnyPgColumn>;
  const [row] = (await tx
    .select()
    .from(table)
    .where(and(eq(columns.id!, id), scope))
    .for(strength)) as Record<string, unknown>[];
  return row;
}

/** Writes `set` (possibly nothing) with version + 1: the row changed as a whole (e.g. its funds). */
export async function bumpVersion(tx: Tx, table: PgTable, id: number, set: Record<string, unknown> = {}) {
  const columns = getTableColumns(table) as Record<string, AnyPgColumn>;
  const values: Record<string, unknown> = { ...set, version: sql`${columns.version!} + 1` };
  if (columns.updatedAt) values.updatedAt = new Date();
  await tx.update(table).set(values).where(eq(columns.id!, id));
}

export interface HistoryEntry {
  householdId: number;
  kind: "IDENTIFIED" | "FIELD_CHANGED";
  field: string;
  oldValue?: unknown;
  newValue?: unknown;
  occurredOn?: string;
  toStatus?: "POOR" | "MONITORED";
}

/** Appends to households' history: who, which department, when, which field, old → new, why. */
export async function appendHistory(tx: Tx, ctx: Context, entries: HistoryEntry[], reason: string) {
  if (!entries.length) return;
  const { principal } = ctx.access;
  await tx.insert(householdEvents).values(
    entries.map((e) => ({
      householdId: e.householdId,
      kind: e.kind,
      occurredOn: e.occurredOn ?? today(),
      toStatus: e.toStatus ?? null,
      field: e.field,
      oldValue: e.oldValue ?? null,
      newValue: e.newValue ?? null,
      reason,
      recordedBy: principal.id,
      department: principal.department,
    })),
  );
}

/** Which of these 12-digit codes name a region or a village (unscoped: reference data). */
export async function findExistingRegionCodes(ctx: Context, codes: string[]): Promise<Set<string>> {
  if (!codes.length) return new Set();
  const [fromRegions, fromVillages] = await Promise.all([
    ctx.db.select({ code: regions.code }).from(regions).where(inArray(regions.code, codes)),
    ctx.db.select({ code: villages.code }).from(villages).where(inArray(villages.code, codes)),
  ]);
  return new Set([...fromRegions, ...fromVillages].map((r) => r.code));
}

export async function findVillageIdByCode(ctx: Context, code: string): Promise<number | null> {
  const [row] = await ctx.db.select({ id: villages.id }).from(villages).where(eq(villages.code, code));
  return row?.id ?? null;
}

/** Household row ids among these that exist in the principal's scope. */
export async function findHouseholdIdsInScope(ctx: Context, ids: number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await ctx.db
    .select({ id: households.id })
    .from(households)
    .where(and(inArray(households.id, ids), ctx.access.scope(households.villageCode)));
  return new Set(rows.map((r) => r.id));
}
