import type { Context } from "../../context.js";
import { byKey, defineLoader, groupByKey } from "../../shared/loader.js";
import {
  findAssetsByCustodianHouseholds,
  findAssetsByIds,
  findAssetsByProjects,
  findAssetsByVillages,
  findIncomesByAssets,
} from "./asset.repository.js";
import { defineVariantLoader } from "./project.variant-loader.js";

/** Caps of the bounded relation lists. */
export const MAX_ASSETS_PER_PROJECT = 500;
export const MAX_ASSETS_PER_VILLAGE = 500;
export const MAX_ASSETS_PER_HOUSEHOLD = 200;

export const assetById = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  byKey(ids, await findAssetsByIds(ctx, ids), (a) => a.rowId),
);

export const assetsByProject = defineLoader(async (ctx: Context, projectIds: readonly number[]) =>
  groupByKey(projectIds, await findAssetsByProjects(ctx, projectIds, MAX_ASSETS_PER_PROJECT), (a) => a.projectId),
);

/** A village's assets, optionally only some ledgers: one loader per ledger selection. */
export const assetsByVillage = defineVariantLoader(
  (kinds: readonly string[]) => [...kinds].sort().join(","),
  async (ctx, kinds, codes: readonly string[]) =>
    groupByKey(codes, await findAssetsByVillages(ctx, codes, MAX_ASSETS_PER_VILLAGE, kinds), (a) => a.villageCode),
);

export const assetsByCustodianHousehold = defineLoader(async (ctx: Context, householdIds: readonly number[]) =>
  groupByKey(
    householdIds,
    await findAssetsByCustodianHouseholds(ctx, householdIds, MAX_ASSETS_PER_HOUSEHOLD),
    (a) => a.custodianHouseholdId as number,
  ),
);

export const incomesByAsset = defineLoader(async (ctx: Context, assetIds: readonly number[]) =>
  groupByKey(assetIds, await findIncomesByAssets(ctx, assetIds), (i) => i.assetId),
);
