import { and, asc, eq, inArray, or, type SQL } from "drizzle-orm";
import { selectableColumns } from "../../access/access.js";
import type { Context } from "../../context.js";
import { regions } from "../../db/schema.js";
import { toGlobalId } from "../../shared/global-id.js";
import { underRegion } from "../../shared/region-code.js";
import type { RegionRow } from "./region.type.js";

export interface RegionFilter {
  level?: string | null;
  parentCode?: string | null;
  regionCode?: string | null;
}

function columns(ctx: Context) {
  return selectableColumns(ctx.access, "Region", regions, ["code", "parentCode", "level"]);
}

function toRows(rows: Record<string, unknown>[]): RegionRow[] {
  for (const row of rows) row.id = toGlobalId("Region", row.code as string);
  return rows as unknown as RegionRow[];
}

/**
 * Regions are public reference data, but a scoped principal still sees only its own subtree and
 * the regions above it (its path), never its neighbours.
 */
export function visibleRegions(ctx: Context): SQL | undefined {
  const region = ctx.access.principal.region;
  if (!region) return undefined;
  const ancestors = [2, 4, 6, 9].filter((n) => n < region.length).map((n) => region.slice(0, n).padEnd(12, "0"));
  const inside = underRegion(regions.code, region);
  return ancestors.length ? (or(inside, inArray(regions.code, ancestors)) as SQL) : inside;
}

export async function findRegionsByCodes(ctx: Context, codes: readonly string[]): Promise<RegionRow[]> {
  const rows = await ctx.db
    .select(columns(ctx))
    .from(regions)
    .where(and(inArray(regions.code, [...codes]), visibleRegions(ctx)));
  return toRows(rows);
}

/** The regions a list shows: visible to the caller and matching the filter. */
export function regionConditions(ctx: Context, filter: RegionFilter): (SQL | undefined)[] {
  return [
    visibleRegions(ctx),
    filter.level ? eq(regions.level, filter.level as "COUNTY") : undefined,
    filter.parentCode ? eq(regions.parentCode, filter.parentCode) : undefined,
    filter.regionCode ? underRegion(regions.code, filter.regionCode) : undefined,
  ];
}

export async function listRegions(ctx: Context, filter: RegionFilter, limit: number): Promise<RegionRow[]> {
  const rows = await ctx.db
    .select(columns(ctx))
    .from(regions)
    .where(and(...regionConditions(ctx, filter)))
    .orderBy(asc(regions.code))
    .limit(limit);
  return toRows(rows);
}

export async function findRegionsByParents(ctx: Context, parents: readonly string[]): Promise<RegionRow[]> {
  const rows = await ctx.db
    .select(columns(ctx))
    .from(regions)
    .where(and(inArray(regions.parentCode, [...parents]), visibleRegions(ctx)))
    .orderBy(asc(regions.code));
  return toRows(rows);
}
