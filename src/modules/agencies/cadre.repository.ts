import { and, asc, eq, ilike, inArray, isNull, type SQL } from "drizzle-orm";
import { selectableColumns } from "../../access/access.js";
import type { Context } from "../../context.js";
import { agencies, cadreHouseholdAssignments, cadres, cadreVillageAssignments } from "../../db/schema.js";
import { defineListing } from "../../shared/page-query.js";
import type { Connection, PageArgs } from "../../shared/pagination.js";
import { underRegion } from "../../shared/region-code.js";
import { firstOfEachGroup, rankInGroup } from "../../shared/ranked.js";
import { withGlobalIds } from "../../shared/rows.js";
import type { CadreRow } from "./cadre.type.js";

export interface CadreConditions {
  agencyId?: number | null;
  regionCode?: string | null;
  name?: string | null;
}

/** Cadres are not region-keyed; `phone` is fetched only if the caller's policy grants it. */
function columns(ctx: Context) {
  return selectableColumns(ctx.access, "Cadre", cadres, ["id", "name", "agencyId"]);
}

const toRows = (rows: Record<string, unknown>[]) =>
  withGlobalIds("Cadre", rows as { id: number }[]) as unknown as CadreRow[];

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function conditions(ctx: Context, filter: CadreConditions): (SQL | undefined)[] {
  return [
    filter.agencyId != null ? eq(cadres.agencyId, filter.agencyId) : undefined,
    // The agency's region: where the cadre belongs, the documented meaning of the filter.
    filter.regionCode
      ? inArray(
          cadres.agencyId,
          ctx.db.select({ id: agencies.id }).from(agencies).where(underRegion(agencies.regionCode, filter.regionCode)),
        )
      : undefined,
    filter.name ? ilike(cadres.name, `%${escapeLike(filter.name)}%`) : undefined,
  ];
}

const cadreListing = defineListing<CadreRow>({
  type: "Cadre",
  table: cadres,
  columns,
  orderings: [
    { name: "NAME", direction: "asc", columns: [cadres.name, cadres.id], key: (r) => [r.name, r.rowId] },
    { name: "ID", direction: "asc", columns: [cadres.id], key: (r) => [r.rowId] },
  ],
  map: toRows,
});

export function pageCadres(
  ctx: Context,
  filter: CadreConditions,
  order: string,
  args: PageArgs,
): Promise<Connection<CadreRow>> {
  return cadreListing.page(ctx, conditions(ctx, filter), order, args);
}

export async function findCadresByIds(ctx: Context, ids: readonly number[]): Promise<CadreRow[]> {
  const rows = await ctx.db
    .select(columns(ctx))
    .from(cadres)
    .where(inArray(cadres.id, [...ids]));
  return toRows(rows);
}

/** The cadres of many agencies at once, by name, at most `cap` per agency (a window, one statement). */
export async function findCadresByAgencies(
  ctx: Context,
  agencyIds: readonly number[],
  cap: number,
): Promise<CadreRow[]> {
  const ranked = ctx.db
    .select({ ...columns(ctx), rankInGroup: rankInGroup(cadres.agencyId, [asc(cadres.name), asc(cadres.id)]) })
    .from(cadres)
    .where(inArray(cadres.agencyId, [...agencyIds]))
    .as("ranked");
  return toRows(await firstOfEachGroup(ctx, ranked, cap));
}

/**
 * The current responsible helper (帮扶责任人) of many households: one join of the open
 * assignments to cadres. Rows carry `helpedHouseholdId`.
 */
export async function findCurrentHelpersByHouseholds(
  ctx: Context,
  householdIds: readonly number[],
): Promise<(CadreRow & { helpedHouseholdId: number })[]> {
  const rows = await ctx.db
    .select({ ...columns(ctx), helpedHouseholdId: cadreHouseholdAssignments.householdId })
    .from(cadreHouseholdAssignments)
    .innerJoin(cadres, eq(cadres.id, cadreHouseholdAssignments.cadreId))
    .where(
      and(inArray(cadreHouseholdAssignments.householdId, [...householdIds]), isNull(cadreHouseholdAssignments.endDate)),
    );
  return toRows(rows) as (CadreRow & { helpedHouseholdId: number })[];
}

/** The current first secretary (第一书记) of many villages, one join. Rows carry `servedVillageId`. */
export async function findFirstSecretariesByVillages(
  ctx: Context,
  villageIds: readonly number[],
): Promise<(CadreRow & { servedVillageId: number })[]> {
  const rows = await ctx.db
    .select({ ...columns(ctx), servedVillageId: cadreVillageAssignments.villageId })
    .from(cadreVillageAssignments)
    .innerJoin(cadres, eq(cadres.id, cadreVillageAssignments.cadreId))
    .where(
      and(
        inArray(cadreVillageAssignments.villageId, [...villageIds]),
        eq(cadreVillageAssignments.role, "FIRST_SECRETARY"),
        isNull(cadreVillageAssignments.endDate),
      ),
    );
  return toRows(rows) as (CadreRow & { servedVillageId: number })[];
}
