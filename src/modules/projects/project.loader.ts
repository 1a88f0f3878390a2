import type { Context } from "../../context.js";
import { byKey, defineLoader, groupByKey } from "../../shared/loader.js";
import { agencyById } from "../agencies/agency.loader.js";
import {
  countBeneficiaries,
  findBeneficiaryIds,
  findCoAgenciesByProjects,
  findFundsByProjects,
  findProjectsByHouseholds,
  findProjectsByIds,
  findProjectsByLeadAgencies,
  findProjectsByVillageIds,
} from "./project.repository.js";
import { defineVariantLoader } from "./project.variant-loader.js";

/** Caps of the bounded relation lists. */
export const MAX_PROJECTS_PER_VILLAGE = 200;
export const MAX_PROJECTS_PER_AGENCY = 500;
export const MAX_PROJECTS_PER_HOUSEHOLD = 200;

export const projectById = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  byKey(ids, await findProjectsByIds(ctx, ids), (p) => p.rowId),
);

export const fundsByProject = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  groupByKey(ids, await findFundsByProjects(ctx, ids), (f) => f.projectId),
);

export const coAgenciesByProject = defineLoader(async (ctx: Context, ids: readonly number[]) => {
  const rows = await findCoAgenciesByProjects(ctx, ids);
  const agencies = agencyById(ctx);
  for (const row of rows) agencies.prime(row.rowId, row);
  return groupByKey(ids, rows, (a) => a.coProjectId);
});

/** Beneficiary household ids per project, the first `limit` of each in id order. */
export const beneficiaryIdsByProject = defineVariantLoader(
  (limit: number) => String(limit),
  async (ctx, limit, ids: readonly number[]) =>
    groupByKey(ids, await findBeneficiaryIds(ctx, ids, limit), (r) => r.projectId).map((links) =>
      links.map((l) => l.householdId),
    ),
);

/** In-scope beneficiary households per project, with their fingerprint. */
export const beneficiaryCountByProject = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  byKey(ids, await countBeneficiaries(ctx, ids), (r) => r.projectId).map((r) => r ?? { rows: 0, fingerprint: "0" }),
);

export const projectsByVillage = defineLoader(async (ctx: Context, villageIds: readonly number[]) =>
  groupByKey(
    villageIds,
    await findProjectsByVillageIds(ctx, villageIds, MAX_PROJECTS_PER_VILLAGE),
    (p) => p.villageId as number,
  ),
);

export const projectsByLeadAgency = defineLoader(async (ctx: Context, agencyIds: readonly number[]) =>
  groupByKey(
    agencyIds,
    await findProjectsByLeadAgencies(ctx, agencyIds, MAX_PROJECTS_PER_AGENCY),
    (p) => p.leadAgencyId,
  ),
);

export const projectsByHousehold = defineLoader(async (ctx: Context, householdIds: readonly number[]) =>
  groupByKey(
    householdIds,
    await findProjectsByHouseholds(ctx, householdIds, MAX_PROJECTS_PER_HOUSEHOLD),
    (p) => p.beneficiaryHouseholdId,
  ),
);
