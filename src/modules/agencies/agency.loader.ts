import type { Context } from "../../context.js";
import { intKey } from "../../shared/global-id.js";
import { byKey, defineLoader, groupByKey } from "../../shared/loader.js";
import { registerNode } from "../../shared/node-registry.js";
import { findAgenciesByIds, findCurrentAgenciesByVillages } from "./agency.repository.js";

export const agencyById = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  byKey(ids, await findAgenciesByIds(ctx, ids), (a) => a.rowId),
);

/** Village row id → the agencies currently paired with it. */
export const currentAgenciesByVillage = defineLoader(async (ctx: Context, villageIds: readonly number[]) =>
  groupByKey(villageIds, await findCurrentAgenciesByVillages(ctx, villageIds), (a) => a.pairedVillageId),
);

registerNode("Agency", (ctx, key) => agencyById(ctx).load(intKey(key, "Agency")));
