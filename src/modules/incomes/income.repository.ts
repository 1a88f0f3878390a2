import { and, asc, desc, eq, getTableColumns, inArray, isNull, sql } from "drizzle-orm";
import { noteRows } from "../../access/audit.js";
import type { Context } from "../../context.js";
import type { Drizzle } from "../../db/client.js";
import { householdRigidExpenditures, households, monitoringStandards } from "../../db/schema.js";
import { isoTimestamps, withGlobalIds } from "../../shared/rows.js";
import type { MonitoringStandardRow, RigidExpenditureRow } from "./income.type.js";

/** Rigid expenditures of many in-scope households, newest year first. */
export async function findRigidExpendituresByHouseholds(
  ctx: Context,
  ids: readonly number[],
): Promise<RigidExpenditureRow[]> {
  const rows = await ctx.db
    .select()
    .from(householdRigidExpenditures)
    .where(
      inArray(
        householdRigidExpenditures.householdId,
        ctx.db
          .select({ id: households.id })
          .from(households)
          .where(and(inArray(households.id, [...ids]), ctx.access.scope(households.villageCode))),
      ),
    )
    .orderBy(
      asc(householdRigidExpenditures.householdId),
      desc(householdRigidExpenditures.year),
      asc(householdRigidExpenditures.kind),
    );
  noteRows("RigidExpenditure", rows);
  return withGlobalIds("RigidExpenditure", rows);
}

/** Rigid expenditures by row id, of households in the caller's scope (the change feed's view of them). */
export async function findRigidExpendituresByIds(ctx: Context, ids: readonly number[]): Promise<RigidExpenditureRow[]> {
  const rows = await ctx.db
    .select(getTableColumns(householdRigidExpenditures))
    .from(householdRigidExpenditures)
    .innerJoin(households, eq(households.id, householdRigidExpenditures.householdId))
    .where(and(inArray(householdRigidExpenditures.id, [...ids]), ctx.access.scope(households.villageCode)));
  noteRows("RigidExpenditure", rows);
  return withGlobalIds("RigidExpenditure", rows);
}

const standardColumns = {
  id: monitoringStandards.id,
  year: monitoringStandards.year,
  regionPrefix: monitoringStandards.regionPrefix,
  amount: monitoringStandards.amount,
  source: monitoringStandards.source,
  version: monitoringStandards.version,
  updatedAt: monitoringStandards.updatedAt,
};

const toStandardRows = (rows: Record<string, unknown>[]) => {
  isoTimestamps(rows, ["updatedAt"]);
  return withGlobalIds("MonitoringStandard", rows as { id: number }[]) as unknown as MonitoringStandardRow[];
};

/** The monitoring lines (reference data: a policy document's figures, not a person's), oldest year first. */
export async function findMonitoringStandards(db: Drizzle, year?: number | null): Promise<MonitoringStandardRow[]> {
  const rows = await db
    .select(standardColumns)
    .from(monitoringStandards)
    .where(year == null ? undefined : eq(monitoringStandards.year, year))
    .orderBy(asc(monitoringStandards.year), sql`coalesce(${monitoringStandards.regionPrefix}, '')`);
  return toStandardRows(rows);
}

export async function findMonitoringStandardsByIds(db: Drizzle, ids: readonly number[]) {
  const rows = await db
    .select(standardColumns)
    .from(monitoringStandards)
    .where(inArray(monitoringStandards.id, [...ids]));
  return toStandardRows(rows);
}

/** The id of the line of a year and region (null prefix = everywhere), if there is one. */
export async function findMonitoringStandardId(
  db: Drizzle,
  year: number,
  regionPrefix: string | null,
): Promise<number | null> {
  const [row] = await db
    .select({ id: monitoringStandards.id })
    .from(monitoringStandards)
    .where(
      and(
        eq(monitoringStandards.year, year),
        regionPrefix === null
          ? isNull(monitoringStandards.regionPrefix)
          : eq(monitoringStandards.regionPrefix, regionPrefix),
      ),
    );
  return row?.id ?? null;
}

export async function insertMonitoringStandard(
  tx: Drizzle,
  values: { year: number; regionPrefix: string | null; amount: number; source: string },
): Promise<number> {
  const [row] = await tx.insert(monitoringStandards).values(values).returning({ id: monitoringStandards.id });
  return row!.id;
}
