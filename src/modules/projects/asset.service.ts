import type { Context } from "../../context.js";
import { decodeId } from "../../shared/global-id.js";
import type { Connection, PageArgs } from "../../shared/pagination.js";
import { assertRegionPrefix } from "../../shared/region-code.js";
import { agencyById } from "../agencies/agency.loader.js";
import type { AgencyRow } from "../agencies/agency.type.js";
import { householdById } from "../households/household.loader.js";
import type { HouseholdRow } from "../households/household.type.js";
import { villageByCode } from "../villages/village.loader.js";
import type { VillageRow } from "../villages/village.type.js";
import type { AssetFilter } from "./asset.input.js";
import {
  assetById,
  assetsByCustodianHousehold,
  assetsByProject,
  assetsByVillage,
  incomesByAsset,
} from "./asset.loader.js";
import { pageAssets } from "./asset.repository.js";
import type { AssetCustodianRef, AssetIncomeRow, AssetRow } from "./asset.type.js";
import { projectById } from "./project.loader.js";
import type { ProjectRow } from "./project.type.js";

export function getAsset(ctx: Context, id: string): Promise<AssetRow | null> {
  return assetById(ctx).load(decodeId(id, "Asset"));
}

export function listAssets(
  ctx: Context,
  filter: AssetFilter = {},
  order = "ID",
  args: PageArgs = {},
): Promise<Connection<AssetRow>> {
  if (filter.regionCode) assertRegionPrefix(filter.regionCode);
  return pageAssets(
    ctx,
    {
      regionCode: filter.regionCode,
      kind: filter.kind,
      ownership: filter.ownership,
      status: filter.status,
      projectId: filter.projectId ? decodeId(filter.projectId, "Project") : null,
    },
    order,
    args,
  );
}

export function assetProject(ctx: Context, asset: AssetRow): Promise<ProjectRow | null> {
  return projectById(ctx).load(asset.projectId);
}

export function assetVillage(ctx: Context, asset: AssetRow): Promise<VillageRow | null> {
  return villageByCode(ctx).load(asset.villageCode);
}

/** The custodian's keys only: each of its fields loads what it names, batched across assets. */
export function assetCustodian(asset: AssetRow): AssetCustodianRef {
  return {
    kind: asset.custodianKind,
    agencyId: asset.custodianAgencyId,
    householdId: asset.custodianHouseholdId,
    villageCode: asset.villageCode,
  };
}

export async function custodianAgency(ctx: Context, ref: AssetCustodianRef): Promise<AgencyRow | null> {
  return ref.kind === "AGENCY" && ref.agencyId != null ? agencyById(ctx).load(ref.agencyId) : null;
}

export async function custodianHousehold(ctx: Context, ref: AssetCustodianRef): Promise<HouseholdRow | null> {
  return ref.kind === "HOUSEHOLD" && ref.householdId != null ? householdById(ctx).load(ref.householdId) : null;
}

export async function custodianVillage(ctx: Context, ref: AssetCustodianRef): Promise<VillageRow | null> {
  return ref.kind === "VILLAGE_COLLECTIVE" ? villageByCode(ctx).load(ref.villageCode) : null;
}

export function assetIncomes(ctx: Context, asset: AssetRow): Promise<AssetIncomeRow[]> {
  return incomesByAsset(ctx).load(asset.rowId);
}

export function projectAssets(ctx: Context, project: ProjectRow): Promise<AssetRow[]> {
  return assetsByProject(ctx).load(project.rowId);
}

export function villageAssets(ctx: Context, village: VillageRow, kinds: readonly string[] = []): Promise<AssetRow[]> {
  return assetsByVillage(ctx, kinds).load(village.code);
}

export function householdAssets(ctx: Context, household: HouseholdRow): Promise<AssetRow[]> {
  return assetsByCustodianHousehold(ctx).load(household.rowId);
}
