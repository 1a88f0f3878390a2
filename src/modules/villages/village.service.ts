import type { Context } from "../../context.js";
import { decodeId } from "../../shared/global-id.js";
import type { Connection, PageArgs } from "../../shared/pagination.js";
import { assertRegionPrefix } from "../../shared/region-code.js";
import type { VillageFilter } from "./village.input.js";
import { villageById } from "./village.loader.js";
import { pageVillages } from "./village.repository.js";
import type { VillageRow } from "./village.type.js";

export function getVillage(ctx: Context, id: string): Promise<VillageRow | null> {
  return villageById(ctx).load(decodeId(id, "Village"));
}

export function listVillages(
  ctx: Context,
  filter: VillageFilter = {},
  order = "CODE",
  args: PageArgs = {},
): Promise<Connection<VillageRow>> {
  if (filter.regionCode) assertRegionPrefix(filter.regionCode);
  return pageVillages(ctx, filter, order, args);
}
