import type { Context } from "../../context.js";
import { byKey, defineLoader, groupByKey } from "../../shared/loader.js";
import { findMonitoringStandardsByIds, findRigidExpendituresByHouseholds } from "./income.repository.js";

/** Rigid expenditures per household id (one statement per page). */
export const rigidExpendituresByHousehold = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  groupByKey(ids, await findRigidExpendituresByHouseholds(ctx, ids), (r) => r.householdId),
);

export const monitoringStandardById = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  byKey(ids, await findMonitoringStandardsByIds(ctx.db, ids), (r) => r.rowId),
);
