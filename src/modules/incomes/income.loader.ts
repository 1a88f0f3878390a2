import type { Context } from "../../context.js";
import { byKey, defineLoader, groupByKey } from "../../shared/loader.js";
import {
  findMonitoringStandardsByIds,
  findRigidExpendituresByHouseholds,
  findRigidExpendituresByIds,
} from "./income.repository.js";

/** Rigid expenditures per household id (one statement per page). */
export const rigidExpendituresByHousehold = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  groupByKey(ids, await findRigidExpendituresByHouseholds(ctx, ids), (r) => r.householdId),
);

/** Rigid expenditures by row id, of households in scope. */
export const rigidExpenditureById = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  byKey(ids, await findRigidExpendituresByIds(ctx, ids), (r) => r.rowId),
);

export const monitoringStandardById = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  byKey(ids, await findMonitoringStandardsByIds(ctx.db, ids), (r) => r.rowId),
);
