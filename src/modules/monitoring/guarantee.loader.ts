import type { Context } from "../../context.js";
import { byKey, defineLoader, groupByKey } from "../../shared/loader.js";
import { findGuaranteeHouseholds, findGuaranteeMembers, findLatestIncomes } from "./guarantee.repository.js";

/** Housing and drinking-water columns per household id (one statement per page). */
export const guaranteeHouseholdById = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  byKey(ids, await findGuaranteeHouseholds(ctx, ids), (h) => h.id),
);

/** Birth date, schooling and insurance of the members per household id (one statement per page). */
export const guaranteeMembersByHousehold = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  groupByKey(ids, await findGuaranteeMembers(ctx, ids), (m) => m.householdId),
);

/** The latest income row per household id, `null` where none (one statement per page). */
export const latestIncomeByHousehold = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  byKey(ids, await findLatestIncomes(ctx, ids), (r) => r.householdId),
);
