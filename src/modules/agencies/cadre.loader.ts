import type { Context } from "../../context.js";
import { byKey, defineLoader, groupByKey } from "../../shared/loader.js";
import {
  findCadresByAgencies,
  findCadresByIds,
  findCurrentHelpersByHouseholds,
  findFirstSecretariesByVillages,
} from "./cadre.repository.js";

/** The most cadres listed under one agency (Agency.cadres is a bounded list). */
export const MAX_AGENCY_CADRES = 500;

export const cadreById = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  byKey(ids, await findCadresByIds(ctx, ids), (c) => c.rowId),
);

/** Agency row id → its cadres by name, at most MAX_AGENCY_CADRES. */
export const cadresByAgency = defineLoader(async (ctx: Context, agencyIds: readonly number[]) =>
  groupByKey(agencyIds, await findCadresByAgencies(ctx, agencyIds, MAX_AGENCY_CADRES), (c) => c.agencyId),
);

/** Household row id → its current responsible helper (帮扶责任人), or null. */
export const currentHelperByHousehold = defineLoader(async (ctx: Context, householdIds: readonly number[]) =>
  byKey(householdIds, await findCurrentHelpersByHouseholds(ctx, householdIds), (c) => c.helpedHouseholdId),
);

/** Village row id → its current first secretary (第一书记), or null. */
export const firstSecretaryByVillage = defineLoader(async (ctx: Context, villageIds: readonly number[]) =>
  byKey(villageIds, await findFirstSecretariesByVillages(ctx, villageIds), (c) => c.servedVillageId),
);
