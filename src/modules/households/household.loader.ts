import type { Context } from "../../context.js";
import { byKey, defineLoader, groupByKey } from "../../shared/loader.js";
import {
  countHouseholdsByVillages,
  findEventsByHouseholds,
  findHouseholdsByIds,
  findIncomesByHouseholds,
  findIncomesByIds,
  registryFiguresUnder,
} from "./household.repository.js";

// Part of the cross-module contract: other modules import both loaders from here.
export { memberById } from "./member.loader.js";

export const householdById = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  byKey(ids, await findHouseholdsByIds(ctx, ids), (h) => h.rowId),
);

/** In-scope household count per village code, with the rows' fingerprint (one grouped count for a page of villages). */
export const householdCountByVillage = defineLoader(async (ctx: Context, codes: readonly string[]) => {
  const counts = byKey(codes, await countHouseholdsByVillages(ctx, codes), (c) => c.villageCode);
  return counts.map((c) => c ?? { rows: 0, fingerprint: "0" });
});

export const incomesByHousehold = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  groupByKey(ids, await findIncomesByHouseholds(ctx, ids), (r) => r.householdId),
);

/** Incomes by row id, of households in scope. */
export const incomeById = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  byKey(ids, await findIncomesByIds(ctx, ids), (r) => r.rowId),
);

export const eventsByHousehold = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  groupByKey(ids, await findEventsByHouseholds(ctx, ids), (r) => r.householdId),
);

/** Population figures per region prefix (one statement for a page of villages or a list of regions). */
export const registryFiguresByPrefix = defineLoader(async (ctx: Context, prefixes: readonly string[]) =>
  byKey(prefixes, await registryFiguresUnder(ctx, prefixes), (f) => f.prefix),
);
