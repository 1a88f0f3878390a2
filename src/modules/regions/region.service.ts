import type { Context } from "../../context.js";
import { BadUserInputError } from "../../shared/errors.js";
import { assertRegionPrefix } from "../../shared/region-code.js";
import type { RegionFilterInput } from "./region.input.js";
import { regionByCode } from "./region.loader.js";
import { listRegions } from "./region.repository.js";
import type { RegionRow } from "./region.type.js";

/** Regions are few (a province has about 2,000): listed whole, up to this bound. */
export const MAX_REGIONS = 5000;

export function normaliseRegionCode(code: string): string {
  if (!/^[0-9]{12}$/.test(code)) {
    throw new BadUserInputError(`"${code.slice(0, 20)}" is not a 12-digit region code.`);
  }
  return code;
}

export async function getRegion(ctx: Context, code: string): Promise<RegionRow | null> {
  return regionByCode(ctx).load(normaliseRegionCode(code));
}

export async function getRegions(ctx: Context, filter: RegionFilterInput = {}): Promise<RegionRow[]> {
  if (filter.regionCode) assertRegionPrefix(filter.regionCode);
  if (filter.parentCode) normaliseRegionCode(filter.parentCode);
  return listRegions(ctx, filter, MAX_REGIONS);
}

/** The ancestor of a code at a level (township 9, county 6, city 4 digits), or null. */
export async function ancestor(ctx: Context, code: string, digits: 4 | 6 | 9): Promise<RegionRow | null> {
  return regionByCode(ctx).load(code.slice(0, digits).padEnd(12, "0"));
}
