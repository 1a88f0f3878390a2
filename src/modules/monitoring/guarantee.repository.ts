import { and, asc, desc, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { noteRows } from "../../access/audit.js";
import type { Context } from "../../context.js";
import { householdIncomes, households, members } from "../../db/schema.js";
import { householdListing } from "../households/household.repository.js";
import type { Connection, PageArgs } from "../../shared/pagination.js";
import { underRegion } from "../../shared/region-code.js";
import type { HouseholdRow } from "../households/household.type.js";
import {
  GuaranteeItemKind,
  type GuaranteeHouseholdFacts,
  type GuaranteeIncomeFacts,
  type GuaranteeMemberFacts,
} from "./guarantee.type.js";

/** In-scope households among `ids`, as a subquery for child tables. */
function scopedHouseholdIds(ctx: Context, ids: readonly number[]) {
  return ctx.db
    .select({ id: households.id })
    .from(households)
    .where(and(inArray(households.id, [...ids]), ctx.access.scope(households.villageCode)));
}

/**
 * The household columns behind housing safety and drinking water, for many households in one
 * statement. Fetched here rather than read off the caller's row: that row only holds the columns
 * the caller may read.
 */
export async function findGuaranteeHouseholds(
  ctx: Context,
  ids: readonly number[],
): Promise<GuaranteeHouseholdFacts[]> {
  return ctx.db
    .select({
      id: households.id,
      housingGrade: households.housingGrade,
      housingRenovated: households.housingRenovated,
      housingRenovationYear: households.housingRenovationYear,
      housingAssessedOn: households.housingAssessedOn,
      drinkingWaterSafe: households.drinkingWaterSafe,
    })
    .from(households)
    .where(and(inArray(households.id, [...ids]), ctx.access.scope(households.villageCode)));
}

/** Members of many households, only the columns the guarantees need (no name, no identity number). */
export async function findGuaranteeMembers(ctx: Context, ids: readonly number[]): Promise<GuaranteeMemberFacts[]> {
  const rows = await ctx.db
    .select({
      householdId: members.householdId,
      birthDate: members.birthDate,
      schoolingStatus: members.schoolingStatus,
      hasBasicMedicalInsurance: members.hasBasicMedicalInsurance,
    })
    .from(members)
    .where(and(inArray(members.householdId, [...ids]), ctx.access.scope(members.villageCode)));
  // Personal data were fetched: the read audit records which households (if the response carries personal fields).
  noteRows("Member", rows);
  return rows;
}

/** The latest income row of many households: one DISTINCT ON statement. */
export async function findLatestIncomes(ctx: Context, ids: readonly number[]): Promise<GuaranteeIncomeFacts[]> {
  const rows = await ctx.db
    .selectDistinctOn([householdIncomes.householdId], {
      householdId: householdIncomes.householdId,
      year: householdIncomes.year,
      perCapitaNetIncome: householdIncomes.perCapitaNetIncome,
      line: sql<number | null>`${monitoringLineSql(
        sql`${householdIncomes.year}::int`,
        sql`(SELECT h.village_code FROM ${households} h WHERE h.id = ${householdIncomes.householdId})`,
      )}::float8`,
    })
    .from(householdIncomes)
    .where(inArray(householdIncomes.householdId, scopedHouseholdIds(ctx, ids)))
    .orderBy(asc(householdIncomes.householdId), desc(householdIncomes.year));
  noteRows("HouseholdIncome", rows);
  return rows;
}

/** The monitoring line of an income year in a village (SQL function over monitoring_standards). */
export const monitoringLineSql = (year: SQL, villageCode: SQL | AnyPgColumn) =>
  sql`monitoring_line(${year}, ${villageCode})`;

export interface UnmetConditionOptions {
  /** Birth dates of members aged 6–15 today. */
  schoolAge: { bornOnOrAfter: string; bornOnOrBefore: string };
}

/** "Item is UNMET" as a condition on the households table (EXISTS / NOT EXISTS on its children). */
export function unmetCondition(kind: GuaranteeItemKind, o: UnmetConditionOptions): SQL {
  switch (kind) {
    case GuaranteeItemKind.FOOD_AND_CLOTHING:
      return sql`EXISTS (SELECT 1 FROM ${householdIncomes} i
        WHERE i.household_id = ${households.id}
          AND i.per_capita_net_income < ${monitoringLineSql(sql`i.year`, households.villageCode)}
          AND NOT EXISTS (SELECT 1 FROM ${householdIncomes} j WHERE j.household_id = i.household_id AND j.year > i.year))`;
    case GuaranteeItemKind.COMPULSORY_EDUCATION:
      return sql`EXISTS (SELECT 1 FROM ${members} m
        WHERE m.household_id = ${households.id}
          AND m.schooling_status = 'DROPPED_OUT'
          AND m.birth_date BETWEEN ${o.schoolAge.bornOnOrAfter}::date AND ${o.schoolAge.bornOnOrBefore}::date)`;
    case GuaranteeItemKind.BASIC_MEDICAL_CARE:
      return sql`EXISTS (SELECT 1 FROM ${members} m
        WHERE m.household_id = ${households.id} AND NOT m.has_basic_medical_insurance)`;
    case GuaranteeItemKind.HOUSING_SAFETY:
      // The latest assessment decides: C or D with no renovation, or found again after the renovation's year.
      return and(
        inArray(households.housingGrade, ["C", "D"]),
        or(
          eq(households.housingRenovated, false),
          sql`extract(year FROM ${households.housingAssessedOn}) > ${households.housingRenovationYear}`,
        ),
      ) as SQL;
    case GuaranteeItemKind.SAFE_DRINKING_WATER:
      return eq(households.drinkingWaterSafe, false);
  }
}

/** In-scope households with an UNMET item (`kind`, or any), keyset-paged by id. */
export function pageHouseholdsWithUnmet(
  ctx: Context,
  regionCode: string | undefined,
  kind: GuaranteeItemKind | undefined,
  args: PageArgs,
  o: UnmetConditionOptions,
): Promise<Connection<HouseholdRow>> {
  const kinds = kind ? [kind] : Object.values(GuaranteeItemKind);
  return householdListing.page(
    ctx,
    [
      ctx.access.scope(households.villageCode),
      regionCode ? underRegion(households.villageCode, regionCode) : undefined,
      or(...kinds.map((k) => unmetCondition(k, o))),
    ],
    "ID",
    args,
  );
}
