import { and, asc, eq, gte, inArray, lte, type SQL } from "drizzle-orm";
import { selectableColumns, visibleChange } from "../../access/access.js";
import { isoTimestamps } from "../../shared/rows.js";
import type { Context } from "../../context.js";
import { villageEvents, villages } from "../../db/schema.js";
import { defineListing } from "../../shared/page-query.js";
import type { Connection, PageArgs } from "../../shared/pagination.js";
import { underRegion } from "../../shared/region-code.js";
import { withGlobalIds } from "../../shared/rows.js";
import type { VillageFilter } from "./village.input.js";
import type { VillageEventRow, VillageRow } from "./village.type.js";

type PovertyStatus = (typeof villages.povertyStatus.enumValues)[number];

function columns(ctx: Context) {
  return selectableColumns(ctx.access, "Village", villages, ["id", "code", "townshipCode"]);
}

const map = (rows: Record<string, unknown>[]) =>
  withGlobalIds("Village", rows as { id: number }[]) as unknown as VillageRow[];

export function villageConditions(ctx: Context, filter: VillageFilter): (SQL | undefined)[] {
  return [
    ctx.access.scope(villages.code),
    filter.regionCode ? underRegion(villages.code, filter.regionCode) : undefined,
    filter.povertyStatus?.length ? inArray(villages.povertyStatus, filter.povertyStatus as PovertyStatus[]) : undefined,
    filter.exitYear?.from != null ? gte(villages.exitYear, filter.exitYear.from) : undefined,
    filter.exitYear?.to != null ? lte(villages.exitYear, filter.exitYear.to) : undefined,
    filter.hasHardenedRoad != null ? eq(villages.hasHardenedRoad, filter.hasHardenedRoad) : undefined,
    filter.hasBusService != null ? eq(villages.hasBusService, filter.hasBusService) : undefined,
  ];
}

export const villageListing = defineListing<VillageRow>({
  type: "Village",
  table: villages,
  columns,
  orderings: [
    { name: "CODE", direction: "asc", columns: [villages.code], key: (r) => [r.code] },
    { name: "NAME", direction: "asc", columns: [villages.name, villages.id], key: (r) => [r.name, r.rowId] },
    {
      name: "POPULATION_DESC",
      direction: "desc",
      columns: [villages.registeredPopulation, villages.id],
      key: (r) => [r.registeredPopulation, r.rowId],
    },
  ],
  map,
});

export function pageVillages(
  ctx: Context,
  filter: VillageFilter,
  order: string,
  args: PageArgs,
): Promise<Connection<VillageRow>> {
  return villageListing.page(ctx, villageConditions(ctx, filter), order, args);
}

export async function findVillagesByIds(ctx: Context, ids: readonly number[]): Promise<VillageRow[]> {
  const rows = await ctx.db
    .select(columns(ctx))
    .from(villages)
    .where(and(inArray(villages.id, [...ids]), ctx.access.scope(villages.code)));
  return map(rows);
}

export async function findVillagesByCodes(ctx: Context, codes: readonly string[]): Promise<VillageRow[]> {
  const rows = await ctx.db
    .select(columns(ctx))
    .from(villages)
    .where(and(inArray(villages.code, [...codes]), ctx.access.scope(villages.code)));
  return map(rows);
}

/** Villages of many townships at once (region → villages), in code order. */
export async function findVillagesByTownships(ctx: Context, townships: readonly string[]): Promise<VillageRow[]> {
  const rows = await ctx.db
    .select(columns(ctx))
    .from(villages)
    .where(and(inArray(villages.townshipCode, [...townships]), ctx.access.scope(villages.code)))
    .orderBy(asc(villages.code));
  return map(rows);
}

/** History of many villages (already loaded in scope), oldest first; values the caller may not read withheld. */
export async function findVillageEvents(ctx: Context, villageIds: readonly number[]): Promise<VillageEventRow[]> {
  const rows = (await ctx.db
    .select()
    .from(villageEvents)
    .where(inArray(villageEvents.villageId, [...villageIds]))
    .orderBy(asc(villageEvents.villageId), asc(villageEvents.id))) as Record<string, unknown>[];
  for (const row of rows)
    Object.assign(row, visibleChange(ctx.access, row.field as string, row.oldValue, row.newValue));
  isoTimestamps(rows, ["recordedAt"]);
  return rows as unknown as VillageEventRow[];
}
