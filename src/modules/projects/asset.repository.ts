import { and, asc, desc, eq, inArray, type SQL } from "drizzle-orm";
import { selectableColumns } from "../../access/access.js";
import type { Context } from "../../context.js";
import { assetIncomes, assets } from "../../db/schema.js";
import { defineListing } from "../../shared/page-query.js";
import type { Connection, PageArgs } from "../../shared/pagination.js";
import { underRegion } from "../../shared/region-code.js";
import { withGlobalIds } from "../../shared/rows.js";
import { firstOfEachGroup, rankInGroup } from "../../shared/ranked.js";
import type { AssetIncomeRow, AssetRow } from "./asset.type.js";

type Kind = (typeof assets.kind.enumValues)[number];
type Ownership = (typeof assets.ownership.enumValues)[number];
type Status = (typeof assets.status.enumValues)[number];

/** A validated filter: ids already decoded by the service. */
export interface AssetConditions {
  regionCode?: string | null;
  kind?: string[] | null;
  ownership?: string[] | null;
  status?: string[] | null;
  projectId?: number | null;
}

function columns(ctx: Context) {
  return selectableColumns(ctx.access, "Asset", assets, [
    "id",
    "kind",
    "value",
    "villageCode",
    "projectId",
    "custodianKind",
    "custodianAgencyId",
    "custodianHouseholdId",
  ]);
}

const map = (rows: Record<string, unknown>[]) =>
  withGlobalIds("Asset", rows as { id: number }[]) as unknown as AssetRow[];

// Region scope and the policy's row rule (the public sees no household-owned asset).
const inScope = (ctx: Context) => and(ctx.access.scope(assets.villageCode), ctx.access.rowCondition("Asset", assets));

function conditions(ctx: Context, f: AssetConditions): (SQL | undefined)[] {
  return [
    inScope(ctx),
    f.regionCode ? underRegion(assets.villageCode, f.regionCode) : undefined,
    f.kind?.length ? inArray(assets.kind, f.kind as Kind[]) : undefined,
    f.ownership?.length ? inArray(assets.ownership, f.ownership as Ownership[]) : undefined,
    f.status?.length ? inArray(assets.status, f.status as Status[]) : undefined,
    f.projectId != null ? eq(assets.projectId, f.projectId) : undefined,
  ];
}

const assetListing = defineListing<AssetRow>({
  type: "Asset",
  table: assets,
  columns,
  orderings: [
    { name: "ID", direction: "asc", columns: [assets.id], key: (r) => [r.rowId] },
    { name: "VALUE_DESC", direction: "desc", columns: [assets.value, assets.id], key: (r) => [r.value, r.rowId] },
  ],
  map,
});

export function pageAssets(
  ctx: Context,
  filter: AssetConditions,
  order: string,
  args: PageArgs,
): Promise<Connection<AssetRow>> {
  return assetListing.page(ctx, conditions(ctx, filter), order, args);
}

export async function findAssetsByIds(ctx: Context, ids: readonly number[]): Promise<AssetRow[]> {
  const rows = await ctx.db
    .select(columns(ctx))
    .from(assets)
    .where(and(inArray(assets.id, [...ids]), inScope(ctx)));
  return map(rows);
}

/**
 * Assets of many parents (projects, villages, custodian households) in id order, at most `limit`
 * per parent, optionally only some ledgers: one statement for the whole batch.
 */
async function findAssetsGrouped(
  ctx: Context,
  parent: typeof assets.projectId | typeof assets.villageCode | typeof assets.custodianHouseholdId,
  keys: readonly (number | string)[],
  limit: number,
  kinds: readonly string[] = [],
): Promise<AssetRow[]> {
  const ranked = ctx.db
    .select({ ...columns(ctx), rankInGroup: rankInGroup(parent, [asc(assets.id)]) })
    .from(assets)
    .where(
      and(
        inArray(parent, [...keys] as never[]),
        inScope(ctx),
        kinds.length ? inArray(assets.kind, kinds as Kind[]) : undefined,
      ),
    )
    .as("ranked");
  return map(await firstOfEachGroup(ctx, ranked, limit));
}

export const findAssetsByProjects = (ctx: Context, projectIds: readonly number[], limit: number) =>
  findAssetsGrouped(ctx, assets.projectId, projectIds, limit);

export const findAssetsByVillages = (ctx: Context, codes: readonly string[], limit: number, kinds: readonly string[]) =>
  findAssetsGrouped(ctx, assets.villageCode, codes, limit, kinds);

/** Household-owned assets (确权到农户) whose custodian is one of these households. */
export const findAssetsByCustodianHouseholds = (ctx: Context, householdIds: readonly number[], limit: number) =>
  findAssetsGrouped(ctx, assets.custodianHouseholdId, householdIds, limit, ["HOUSEHOLD_OWNED"]);

/** Yearly incomes of many assets, newest first. */
export async function findIncomesByAssets(ctx: Context, assetIds: readonly number[]): Promise<AssetIncomeRow[]> {
  const rows = await ctx.db
    .select(selectableColumns(ctx.access, "AssetIncome", assetIncomes, ["assetId", "year"]))
    .from(assetIncomes)
    .innerJoin(assets, eq(assets.id, assetIncomes.assetId))
    .where(and(inArray(assetIncomes.assetId, [...assetIds]), inScope(ctx)))
    .orderBy(asc(assetIncomes.assetId), desc(assetIncomes.year));
  return rows as unknown as AssetIncomeRow[];
}
