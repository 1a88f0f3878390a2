import type { Context } from "../../context.js";
import { byKey, defineLoader, groupByKey } from "../../shared/loader.js";
import {
  findCurrentHouseholdIdsByCadres,
  findCurrentPostsByCadres,
  findCurrentVillagesByAgencies,
  findCurrentWorkTeamsByVillages,
  findHelperAssignmentsByHouseholds,
  findHelperAssignmentsByIds,
  findVillageAssignmentsByAgencies,
} from "./assignment.repository.js";

/** Agency row id → the villages (in scope) it is currently paired with. */
export const currentVillagesByAgency = defineLoader(async (ctx: Context, agencyIds: readonly number[]) =>
  groupByKey(agencyIds, await findCurrentVillagesByAgencies(ctx, agencyIds), (v) => v.pairedAgencyId),
);

/** Agency row id → every pairing with a village in scope, history included. */
export const villageAssignmentsByAgency = defineLoader(async (ctx: Context, agencyIds: readonly number[]) =>
  groupByKey(agencyIds, await findVillageAssignmentsByAgencies(ctx, agencyIds), (a) => a.agencyId),
);

/** Village row id → its current work-team posts. */
export const currentWorkTeamByVillage = defineLoader(async (ctx: Context, villageIds: readonly number[]) =>
  groupByKey(villageIds, await findCurrentWorkTeamsByVillages(ctx, villageIds), (a) => a.villageId),
);

/** Cadre row id → the post it currently holds in a village in scope, or null. */
export const currentPostByCadre = defineLoader(async (ctx: Context, cadreIds: readonly number[]) =>
  byKey(cadreIds, await findCurrentPostsByCadres(ctx, cadreIds), (a) => a.cadreId),
);

/** Household row id → its helper assignments, oldest first. */
export const helperAssignmentsByHousehold = defineLoader(async (ctx: Context, householdIds: readonly number[]) =>
  groupByKey(householdIds, await findHelperAssignmentsByHouseholds(ctx, householdIds), (a) => a.householdId),
);

/** Helper assignments by row id, of households in scope. */
export const helperAssignmentById = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  byKey(ids, await findHelperAssignmentsByIds(ctx, ids), (a) => a.rowId),
);

/** Cadre row id → ids of the households it currently helps (unscoped ids; load them through householdById). */
export const currentHouseholdIdsByCadre = defineLoader(async (ctx: Context, cadreIds: readonly number[]) =>
  groupByKey(cadreIds, await findCurrentHouseholdIdsByCadres(ctx, cadreIds), (a) => a.cadreId),
);
