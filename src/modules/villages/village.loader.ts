import type { Context } from "../../context.js";
import { byKey, defineLoader, groupByKey } from "../../shared/loader.js";
import {
  findVillageEvents,
  findVillagesByCodes,
  findVillagesByIds,
  findVillagesByTownships,
} from "./village.repository.js";

export const villageById = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  byKey(ids, await findVillagesByIds(ctx, ids), (v) => v.rowId),
);

export const villageByCode = defineLoader(async (ctx: Context, codes: readonly string[]) =>
  byKey(codes, await findVillagesByCodes(ctx, codes), (v) => v.code),
);

export const villagesByTownship = defineLoader(async (ctx: Context, townships: readonly string[]) =>
  groupByKey(townships, await findVillagesByTownships(ctx, townships), (v) => v.townshipCode),
);

/** History of each village (one statement per page of villages). */
export const eventsByVillage = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  groupByKey(ids, await findVillageEvents(ctx, ids), (e) => e.villageId),
);
