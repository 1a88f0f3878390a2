import type { Context } from "../../context.js";
import { byKey, defineLoader, groupByKey } from "../../shared/loader.js";
import { findMembersByHouseholds, findMembersByIds } from "./member.repository.js";

export const memberById = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  byKey(ids, await findMembersByIds(ctx, ids), (m) => m.rowId),
);

/** Members per household id, head first then by birth date. */
export const membersByHousehold = defineLoader(async (ctx: Context, householdIds: readonly number[]) =>
  groupByKey(householdIds, await findMembersByHouseholds(ctx, householdIds), (m) => m.householdId),
);
