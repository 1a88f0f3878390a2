import type { Context } from "../../context.js";
import { BadUserInputError } from "../../shared/errors.js";
import { decodeId } from "../../shared/global-id.js";
import type { Connection, PageArgs } from "../../shared/pagination.js";
import { assertRegionPrefix } from "../../shared/region-code.js";
import { regionByCode } from "../regions/region.loader.js";
import type { RegionRow } from "../regions/region.type.js";
import type { AgencyFilter } from "./agency.input.js";
import { agencyById } from "./agency.loader.js";
import { pageAgencies } from "./agency.repository.js";
import type { AgencyRow } from "./agency.type.js";
import { cadresByAgency, MAX_AGENCY_CADRES } from "./cadre.loader.js";
import type { CadreRow } from "./cadre.type.js";

export function getAgency(ctx: Context, id: string): Promise<AgencyRow | null> {
  return agencyById(ctx).load(decodeId(id, "Agency"));
}

export function listAgencies(
  ctx: Context,
  filter: AgencyFilter = {},
  order = "NAME",
  args: PageArgs = {},
): Promise<Connection<AgencyRow>> {
  if (filter.regionCode) assertRegionPrefix(filter.regionCode);
  return pageAgencies(ctx, filter, order, args);
}

export async function agencyRegion(ctx: Context, agency: AgencyRow): Promise<RegionRow | null> {
  return agency.regionCode ? regionByCode(ctx).load(agency.regionCode) : null;
}

/** An agency's cadres by name: a bounded list (at most MAX_AGENCY_CADRES). */
export async function agencyCadres(ctx: Context, agency: AgencyRow, first: number): Promise<CadreRow[]> {
  if (!Number.isInteger(first) || first < 0 || first > MAX_AGENCY_CADRES) {
    throw new BadUserInputError(`\`first\` must be between 0 and ${MAX_AGENCY_CADRES}.`, { max: MAX_AGENCY_CADRES });
  }
  const cadres = await cadresByAgency(ctx).load(agency.rowId);
  return cadres.slice(0, first);
}
