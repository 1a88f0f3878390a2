import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { countsRounded } from "../access/access.js";
import type { DepartmentPolicy } from "../access/compile.js";
import type { Context } from "../context.js";
import { projects, villages } from "../db/schema.js";
import { householdCountOfVillageSql, poorMembersOfVillageSql } from "../modules/households/household.repository.js";
import { projectTotalFundsSql } from "../modules/projects/project.repository.js";
import { CannotCompile } from "./cannot-compile.js";

/**
 * Fields whose value a resolver computes from other rows (counts, ratios, sums), which the compiler
 * computes in SQL instead, as the resolver would: correlated to the row's own columns, within the
 * principal's scope. Where the department receives the value another way (a count published
 * rounded, drawn in Node from a keyed hash), the field stays on its resolver.
 */
export interface Figure {
  /** The row's columns the value reads. */
  parentKeys: readonly AnyPgColumn[];
  /** The value for one request, as the department receives it; throws CannotCompile where the resolver answers. */
  plan(policy: DepartmentPolicy): (ctx: Context) => SQL;
}

export const FIGURES: Record<string, Figure> = {
  // household.service villageHouseholdCount: exact unless published rounded.
  "Village.householdCount": {
    parentKeys: [villages.code],
    plan(policy) {
      if (countsRounded(policy, "Household")) throw new CannotCompile("Village.householdCount is published rounded");
      return (ctx) => householdCountOfVillageSql(ctx, villages.code);
    },
  },
  // household.service povertyIncidence: members of households poor now ÷ the village's 户籍人口, to
  // four decimals as `Math.round(share * 10000) / 10000` gives it in doubles; null without a
  // population, and always null for a department that may only count members.
  "Village.povertyIncidence": {
    parentKeys: [villages.code, villages.registeredPopulation],
    plan(policy) {
      if (countsRounded(policy, "Member")) return () => sql`NULL::float8`;
      return (ctx) =>
        sql`CASE WHEN ${villages.registeredPopulation} <> 0 THEN floor(${poorMembersOfVillageSql(
          ctx,
          villages.code,
        )}::float8 / ${villages.registeredPopulation}::float8 * 10000 + 0.5) / 10000 END`;
    },
  },
  // project.service totalFunds.
  "Project.totalFunds": {
    parentKeys: [projects.id],
    plan: () => () => projectTotalFundsSql(projects.id),
  },
};
