import { and, arrayOverlaps, asc, count, desc, eq, gte, inArray, lte, or, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { selectableColumns, visibleChange } from "../../access/access.js";
import type { Context } from "../../context.js";
import { householdEvents, householdIncomes, households, members, villages } from "../../db/schema.js";
import { defineListing } from "../../shared/page-query.js";
import type { Connection, PageArgs } from "../../shared/pagination.js";
import { underRegion } from "../../shared/region-code.js";
import { rowSetFingerprint } from "../../shared/row-set.js";
import { noteRows } from "../../access/audit.js";
import { isoTimestamps, withGlobalIds } from "../../shared/rows.js";
import type { HouseholdFilter } from "./household.input.js";
import type { HouseholdEventRow, HouseholdIncomeRow, HouseholdRow } from "./household.type.js";

type Status = (typeof households.status.enumValues)[number];
type Attribute = (typeof households.attribute.enumValues)[number];
type Cause = (typeof households.primaryCause.enumValues)[number];
type Monitoring = (typeof households.monitoringType.enumValues)[number];
type MonitoringStatus = (typeof households.monitoringStatus.enumValues)[number];
type Grade = (typeof households.housingGrade.enumValues)[number];

function columns(ctx: Context) {
  return selectableColumns(ctx.access, "Household", households, [
    "id",
    "villageCode",
    "householdNumber",
    "identifiedYear",
  ]);
}

const map = (rows: Record<string, unknown>[]) => {
  isoTimestamps(rows, ["createdAt", "updatedAt"]);
  return withGlobalIds("Household", rows as { id: number }[]) as unknown as HouseholdRow[];
};

/** Households of the caller's scope; with `villageCode`, of that one village only. */
export function householdConditions(ctx: Context, filter: HouseholdFilter, villageCode?: string): (SQL | undefined)[] {
  const anyCause = filter.anyCause?.length ? (filter.anyCause as Cause[]) : null;
  return [
    ctx.access.scope(households.villageCode),
    villageCode ? eq(households.villageCode, villageCode) : undefined,
    filter.regionCode ? underRegion(households.villageCode, filter.regionCode) : undefined,
    filter.status?.length ? inArray(households.status, filter.status as Status[]) : undefined,
    filter.attribute?.length ? inArray(households.attribute, filter.attribute as Attribute[]) : undefined,
    filter.primaryCause?.length ? inArray(households.primaryCause, filter.primaryCause as Cause[]) : undefined,
    // `&&` on other_causes is served by its GIN index; the primary cause by its btree.
    anyCause
      ? or(inArray(households.primaryCause, anyCause), arrayOverlaps(households.otherCauses, anyCause))
      : undefined,
    filter.identifiedYear?.from != null ? gte(households.identifiedYear, filter.identifiedYear.from) : undefined,
    filter.identifiedYear?.to != null ? lte(households.identifiedYear, filter.identifiedYear.to) : undefined,
    filter.exitedYear?.from != null ? gte(households.exitedYear, filter.exitedYear.from) : undefined,
    filter.exitedYear?.to != null ? lte(households.exitedYear, filter.exitedYear.to) : undefined,
    filter.monitoringStatus?.length
      ? inArray(households.monitoringStatus, filter.monitoringStatus as MonitoringStatus[])
      : undefined,
    filter.monitoringType?.length
      ? inArray(households.monitoringType, filter.monitoringType as Monitoring[])
      : undefined,
    filter.housingGrade?.length ? inArray(households.housingGrade, filter.housingGrade as Grade[]) : undefined,
    filter.relocated != null ? eq(households.relocated, filter.relocated) : undefined,
  ];
}

/** Households as every connection of them pages: also the ones with unmet guarantees (monitoring). */
export const householdListing = defineListing<HouseholdRow>({
  type: "Household",
  table: households,
  columns,
  orderings: [
    { name: "ID", direction: "asc", columns: [households.id], key: (r) => [r.rowId] },
    {
      name: "HOUSEHOLD_NUMBER",
      direction: "asc",
      columns: [households.householdNumber, households.id],
      key: (r) => [r.householdNumber, r.rowId],
    },
    {
      name: "IDENTIFIED_YEAR",
      direction: "asc",
      columns: [households.identifiedYear, households.id],
      key: (r) => [r.identifiedYear, r.rowId],
    },
  ],
  map,
});

export function pageHouseholds(
  ctx: Context,
  filter: HouseholdFilter,
  order: string,
  args: PageArgs,
  villageCode?: string,
): Promise<Connection<HouseholdRow>> {
  return householdListing.page(ctx, householdConditions(ctx, filter, villageCode), order, args);
}

export async function findHouseholdsByIds(ctx: Context, ids: readonly number[]): Promise<HouseholdRow[]> {
  const rows = await ctx.db
    .select(columns(ctx))
    .from(households)
    .where(and(inArray(households.id, [...ids]), ctx.access.scope(households.villageCode)));
  return map(rows);
}

/** How many in-scope households each village has: one grouped count for many villages. */
export async function countHouseholdsByVillages(
  ctx: Context,
  codes: readonly string[],
): Promise<{ villageCode: string; rows: number; fingerprint: string }[]> {
  // The fingerprint only where the count is published rounded (it reads every row's id).
  const fingerprint = ctx.access.roundsCountsOf("Household") ? rowSetFingerprint(households.id) : sql<string>`'0'`;
  const rows = await ctx.db
    .select({ villageCode: households.villageCode, n: count(), fingerprint })
    .from(households)
    .where(
      and(
        inArray(households.villageCode, [...codes]),
        ctx.access.scope(households.villageCode),
        ctx.access.rowCondition("Household", households),
      ),
    )
    .groupBy(households.villageCode);
  return rows.map((r) => ({ villageCode: r.villageCode, rows: Number(r.n), fingerprint: r.fingerprint }));
}

/** Poverty statuses whose members count as poor now (贫困人口): not exited, never only monitored. */
export const POOR_STATUSES: Status[] = ["POOR", "RETURNED", "NEWLY_POOR"];

export interface RegistryFigures {
  prefix: string;
  /** 户籍人口 of the villages under the prefix. */
  population: number;
  /** 建档立卡人口 of those villages at identification. */
  registeredPoor: number;
  /** Members of households that are poor now. */
  poorMembers: number;
}

/**
 * Members of households poor now whose households stand where `at` says (a condition on
 * households.village_code), within the caller's scope: households first, by the (village code,
 * status) index, then their members by household. `at` must compare the column with a char(12)
 * value (`=` for one village, a range for a region): compared as text, no index serves it.
 */
function poorMembersWhere(ctx: Context, at: SQL): SQL<number> {
  return sql<number>`(SELECT count(*)::int FROM ${households} JOIN ${members} ON ${and(
    eq(members.householdId, households.id),
    eq(members.villageCode, households.villageCode),
  )} WHERE ${and(at, inArray(households.status, POOR_STATUSES), ctx.access.scope(members.villageCode))})`;
}

/** Members of households poor now in one village (a 12-digit code column or value of char(12)). */
export function poorMembersOfVillageSql(ctx: Context, villageCode: SQL | AnyPgColumn): SQL<number> {
  return poorMembersWhere(ctx, sql`${households.villageCode} = ${villageCode}`);
}

/** In-scope households of one village (the code column of an enclosing query), as a count. */
export function householdCountOfVillageSql(ctx: Context, villageCode: AnyPgColumn): SQL<number> {
  return sql<number>`(SELECT count(*)::int FROM ${households} WHERE ${and(
    eq(households.villageCode, villageCode),
    ctx.access.scope(households.villageCode),
    ctx.access.rowCondition("Household", households),
  )})`;
}

/**
 * Population figures under each region prefix (a 12-digit village code is a prefix of itself), in one
 * statement. A village is found by equality on its code and a region by a range over the codes, both
 * compared as char(12) so that the code indexes serve them, within the caller's scope.
 */
export async function registryFiguresUnder(ctx: Context, prefixes: readonly string[]): Promise<RegistryFigures[]> {
  const villageScope = ctx.access.scope(villages.code) ?? sql`true`;
  const parts = [true, false].flatMap((exact) => {
    const group = prefixes.filter((p) => (p.length === 12) === exact);
    if (!group.length) return [];
    const list = sql.join(
      group.map((p) => sql`(${p}::text)`),
      sql`, `,
    );
    const code = sql`p.prefix::char(12)`;
    const under = (column: AnyPgColumn) =>
      exact
        ? sql`${column} = ${code}`
        : sql`${column} BETWEEN rpad(p.prefix, 12, '0')::char(12) AND rpad(p.prefix, 12, '9')::char(12)`;
    return [
      sql`SELECT p.prefix AS prefix,
        (SELECT coalesce(sum(${villages.registeredPopulation}), 0)::int FROM ${villages}
          WHERE ${under(villages.code)} AND ${villageScope}) AS population,
        (SELECT coalesce(sum(${villages.registeredPoorPopulation}), 0)::int FROM ${villages}
          WHERE ${under(villages.code)} AND ${villageScope}) AS registered_poor,
        ${poorMembersWhere(ctx, under(households.villageCode))} AS poor_members
      FROM (VALUES ${list}) AS p(prefix)`,
    ];
  });
  const rows = await ctx.db
    .select({
      prefix: sql<string>`f.prefix`,
      population: sql<number>`f.population`,
      registeredPoor: sql<number>`f.registered_poor`,
      poorMembers: sql<number>`f.poor_members`,
    })
    .from(sql`(${sql.join(parts, sql` UNION ALL `)}) AS f`);
  return rows.map((r) => ({
    prefix: r.prefix,
    population: Number(r.population),
    registeredPoor: Number(r.registeredPoor),
    poorMembers: Number(r.poorMembers),
  }));
}

/** The ids among `ids` of households in the caller's scope, as a subquery for child tables. */
function scopedHouseholdIds(ctx: Context, ids: readonly number[]) {
  return ctx.db
    .select({ id: households.id })
    .from(households)
    .where(and(inArray(households.id, [...ids]), ctx.access.scope(households.villageCode)));
}

/** Incomes of many households, newest year first. */
export async function findIncomesByHouseholds(ctx: Context, ids: readonly number[]): Promise<HouseholdIncomeRow[]> {
  const rows = await incomesOf(ctx, ids);
  noteRows("HouseholdIncome", rows);
  return rows;
}

async function incomesOf(ctx: Context, ids: readonly number[]): Promise<HouseholdIncomeRow[]> {
  const rows = await ctx.db
    .select(incomeColumns(ctx))
    .from(householdIncomes)
    .where(inArray(householdIncomes.householdId, scopedHouseholdIds(ctx, ids)))
    .orderBy(asc(householdIncomes.householdId), desc(householdIncomes.year));
  return withGlobalIds("HouseholdIncome", rows as unknown as { id: number }[]) as unknown as HouseholdIncomeRow[];
}

const incomeColumns = (ctx: Context) =>
  selectableColumns(ctx.access, "HouseholdIncome", householdIncomes, ["id", "householdId", "year"]);

/** Incomes by row id, of households in the caller's scope (the change feed's view of them). */
export async function findIncomesByIds(ctx: Context, ids: readonly number[]): Promise<HouseholdIncomeRow[]> {
  const rows = await ctx.db
    .select(incomeColumns(ctx))
    .from(householdIncomes)
    .innerJoin(households, eq(households.id, householdIncomes.householdId))
    .where(and(inArray(householdIncomes.id, [...ids]), ctx.access.scope(households.villageCode)));
  noteRows("HouseholdIncome", rows);
  return withGlobalIds("HouseholdIncome", rows as unknown as { id: number }[]) as unknown as HouseholdIncomeRow[];
}

/** History of many households, in chronological order. */
export async function findEventsByHouseholds(ctx: Context, ids: readonly number[]): Promise<HouseholdEventRow[]> {
  const rows = (await ctx.db
    .select(selectableColumns(ctx.access, "HouseholdEvent", householdEvents, ["id", "householdId", "occurredOn"]))
    .from(householdEvents)
    .where(inArray(householdEvents.householdId, scopedHouseholdIds(ctx, ids)))
    .orderBy(asc(householdEvents.householdId), asc(householdEvents.occurredOn), asc(householdEvents.id))) as Record<
    string,
    unknown
  >[];
  isoTimestamps(rows, ["recordedAt"]);
  // An event carries another field's values: they are shown only to who may read that field.
  for (const row of rows)
    Object.assign(row, visibleChange(ctx.access, row.field as string, row.oldValue, row.newValue));
  return rows as unknown as HouseholdEventRow[];
}
