import { and, eq, inArray, isNull, type SQL } from "drizzle-orm";
import { selectableColumns } from "../../access/access.js";
import type { Context } from "../../context.js";
import { agencies, agencyVillageAssignments } from "../../db/schema.js";
import { defineListing } from "../../shared/page-query.js";
import type { Connection, PageArgs } from "../../shared/pagination.js";
import { underRegion } from "../../shared/region-code.js";
import { withGlobalIds } from "../../shared/rows.js";
import type { AgencyFilter } from "./agency.input.js";
import type { AgencyRow } from "./agency.type.js";

type Kind = (typeof agencies.kind.enumValues)[number];
type Level = (typeof agencies.level.enumValues)[number];

/** Agencies are not region-keyed rows: every department may read them (no scope predicate). */
export function agencyColumns(ctx: Context) {
  return selectableColumns(ctx.access, "Agency", agencies, ["id", "name", "regionCode"]);
}

export const toAgencyRows = (rows: Record<string, unknown>[]) =>
  withGlobalIds("Agency", rows as { id: number }[]) as unknown as AgencyRow[];

function conditions(filter: AgencyFilter): (SQL | undefined)[] {
  return [
    filter.kind?.length ? inArray(agencies.kind, filter.kind as Kind[]) : undefined,
    filter.level?.length ? inArray(agencies.level, filter.level as Level[]) : undefined,
    filter.regionCode ? underRegion(agencies.regionCode, filter.regionCode) : undefined,
  ];
}

const agencyListing = defineListing<AgencyRow>({
  type: "Agency",
  table: agencies,
  columns: agencyColumns,
  orderings: [
    { name: "NAME", direction: "asc", columns: [agencies.name, agencies.id], key: (r) => [r.name, r.rowId] },
    { name: "ID", direction: "asc", columns: [agencies.id], key: (r) => [r.rowId] },
  ],
  map: toAgencyRows,
});

export function pageAgencies(
  ctx: Context,
  filter: AgencyFilter,
  order: string,
  args: PageArgs,
): Promise<Connection<AgencyRow>> {
  return agencyListing.page(ctx, conditions(filter), order, args);
}

export async function findAgenciesByIds(ctx: Context, ids: readonly number[]): Promise<AgencyRow[]> {
  const rows = await ctx.db
    .select(agencyColumns(ctx))
    .from(agencies)
    .where(inArray(agencies.id, [...ids]));
  return toAgencyRows(rows);
}

/** The agencies currently paired with each of many villages, in one join (rows carry `pairedVillageId`). */
export async function findCurrentAgenciesByVillages(
  ctx: Context,
  villageIds: readonly number[],
): Promise<(AgencyRow & { pairedVillageId: number })[]> {
  const rows = await ctx.db
    .select({ ...agencyColumns(ctx), pairedVillageId: agencyVillageAssignments.villageId })
    .from(agencyVillageAssignments)
    .innerJoin(agencies, eq(agencies.id, agencyVillageAssignments.agencyId))
    .where(and(inArray(agencyVillageAssignments.villageId, [...villageIds]), isNull(agencyVillageAssignments.endDate)))
    .orderBy(agencies.name, agencies.id);
  return toAgencyRows(rows) as (AgencyRow & { pairedVillageId: number })[];
}
