import type { Context } from "../../context.js";
import { byKey, defineLoader, groupByKey } from "../../shared/loader.js";
import { findAgenciesByIds, findCurrentAgenciesByVillages } from "./agency.repository.js";

export const agencyById = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  byKey(ids, await findAgenciesByIds(ctx, ids), (a) => a.rowId),
);

/** Village row id → the agencies currently paired with it. */
export const currentAgenciesByVillage = defineLoader(async (ctx: Context, villageIds: readonly number[]) =>
  groupByKey(villageIds, await findCurrentAgenciesByVillages(ctx, villageIds), (a) => a.pairedVillageId),
);
