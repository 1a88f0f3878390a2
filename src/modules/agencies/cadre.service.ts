import type { Context } from "../../context.js";
import { BadUserInputError } from "../../shared/errors.js";
import { decodeId } from "../../shared/global-id.js";
import type { Connection, PageArgs } from "../../shared/pagination.js";
import { assertRegionPrefix } from "../../shared/region-code.js";
import { householdById } from "../households/household.loader.js";
import type { HouseholdRow } from "../households/household.type.js";
import { villageById } from "../villages/village.loader.js";
import type { VillageRow } from "../villages/village.type.js";
import { currentHouseholdIdsByCadre, currentPostByCadre } from "./assignment.loader.js";
import type { CadreFilter } from "./cadre.input.js";
import { cadreById } from "./cadre.loader.js";
import { pageCadres } from "./cadre.repository.js";
import type { CadreRow } from "./cadre.type.js";

const MAX_NAME_FILTER = 50;

export function getCadre(ctx: Context, id: string): Promise<CadreRow | null> {
  return cadreById(ctx).load(decodeId(id, "Cadre"));
}

export function listCadres(
  ctx: Context,
  filter: CadreFilter = {},
  order = "NAME",
  args: PageArgs = {},
): Promise<Connection<CadreRow>> {
  if (filter.regionCode) assertRegionPrefix(filter.regionCode);
  const name = filter.name?.trim();
  if (name && name.length > MAX_NAME_FILTER) {
    throw new BadUserInputError(`\`name\` must be at most ${MAX_NAME_FILTER} characters.`);
  }
  return pageCadres(
    ctx,
    {
      agencyId: filter.agencyId ? decodeId(filter.agencyId, "Agency") : null,
      regionCode: filter.regionCode,
      name: name || null,
    },
    order,
    args,
  );
}

/** The village where the cadre currently serves, if it is in the caller's scope. */
export async function cadreVillage(ctx: Context, cadre: CadreRow): Promise<VillageRow | null> {
  const post = await currentPostByCadre(ctx).load(cadre.rowId);
  return post ? villageById(ctx).load(post.villageId) : null;
}

export async function cadreVillageRole(ctx: Context, cadre: CadreRow): Promise<string | null> {
  return (await currentPostByCadre(ctx).load(cadre.rowId))?.role ?? null;
}

/** The households the cadre currently helps, only those in the caller's scope (householdById is scoped). */
export async function householdsHelped(ctx: Context, cadre: CadreRow): Promise<HouseholdRow[]> {
  const assignments = await currentHouseholdIdsByCadre(ctx).load(cadre.rowId);
  if (assignments.length === 0) return [];
  const households = await householdById(ctx).loadMany(assignments.map((a) => a.householdId));
  return households.filter((h): h is HouseholdRow => h != null && !(h instanceof Error));
}
