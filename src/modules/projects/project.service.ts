import type { Context } from "../../context.js";
import { BadUserInputError } from "../../shared/errors.js";
import { decodeId } from "../../shared/global-id.js";
import type { Connection, PageArgs } from "../../shared/pagination.js";
import { assertRegionPrefix } from "../../shared/region-code.js";
import { agencyById } from "../agencies/agency.loader.js";
import type { AgencyRow } from "../agencies/agency.type.js";
import { householdById } from "../households/household.loader.js";
import type { HouseholdRow } from "../households/household.type.js";
import { villageById } from "../villages/village.loader.js";
import type { VillageRow } from "../villages/village.type.js";
import type { ProjectFilter } from "./project.input.js";
import {
  beneficiaryCountByProject,
  beneficiaryIdsByProject,
  coAgenciesByProject,
  fundsByProject,
  projectById,
  projectsByHousehold,
  projectsByLeadAgency,
  projectsByVillage,
} from "./project.loader.js";
import { pageProjects } from "./project.repository.js";
import type { ProjectFundRow, ProjectRow } from "./project.type.js";

/** Beneficiaries are people's households: a project lists at most this many at once. */
export const MAX_BENEFICIARIES = 500;
export const DEFAULT_BENEFICIARIES = 100;

export function getProject(ctx: Context, id: string): Promise<ProjectRow | null> {
  return projectById(ctx).load(decodeId(id, "Project"));
}

export function listProjects(
  ctx: Context,
  filter: ProjectFilter = {},
  order = "ID",
  args: PageArgs = {},
): Promise<Connection<ProjectRow>> {
  if (filter.regionCode) assertRegionPrefix(filter.regionCode);
  const { from, to } = filter.year ?? {};
  if (from != null && to != null && from > to) throw new BadUserInputError("`year.from` must not exceed `year.to`.");
  return pageProjects(
    ctx,
    {
      regionCode: filter.regionCode,
      category: filter.category,
      status: filter.status,
      yearFrom: from,
      yearTo: to,
      leadAgencyId: filter.leadAgencyId ? decodeId(filter.leadAgencyId, "Agency") : null,
    },
    order,
    args,
  );
}

export function projectFunds(ctx: Context, project: ProjectRow): Promise<ProjectFundRow[]> {
  return fundsByProject(ctx).load(project.rowId);
}

/** Sum of all sources, in yuan, rounded to the fen (the column's scale). */
export async function totalFunds(ctx: Context, project: ProjectRow): Promise<number> {
  const funds = await projectFunds(ctx, project);
  return Math.round(funds.reduce((sum, f) => sum + f.amount * 100, 0)) / 100;
}

export function leadAgency(ctx: Context, project: ProjectRow): Promise<AgencyRow | null> {
  return agencyById(ctx).load(project.leadAgencyId);
}

export function coAgencies(ctx: Context, project: ProjectRow): Promise<AgencyRow[]> {
  return coAgenciesByProject(ctx).load(project.rowId);
}

export async function beneficiaries(ctx: Context, project: ProjectRow, first: number): Promise<HouseholdRow[]> {
  if (!Number.isInteger(first) || first < 0 || first > MAX_BENEFICIARIES) {
    throw new BadUserInputError(`\`first\` must be between 0 and ${MAX_BENEFICIARIES}.`, {
      maxPageSize: MAX_BENEFICIARIES,
    });
  }
  if (first === 0) return [];
  const ids = await beneficiaryIdsByProject(ctx, first).load(project.rowId);
  const rows = await householdById(ctx).loadMany(ids);
  return rows.filter((r): r is HouseholdRow => r !== null && !(r instanceof Error));
}

/** A count of households: published rounded where the principal cannot read households (the public). */
export async function beneficiaryCount(ctx: Context, project: ProjectRow): Promise<number> {
  return ctx.access.publishCount("Household", await beneficiaryCountByProject(ctx).load(project.rowId), ctx.config);
}

export async function projectVillage(ctx: Context, project: ProjectRow): Promise<VillageRow | null> {
  return project.villageId == null ? null : villageById(ctx).load(project.villageId);
}

export function householdProjects(ctx: Context, household: HouseholdRow): Promise<ProjectRow[]> {
  return projectsByHousehold(ctx).load(household.rowId);
}

export function villageProjects(ctx: Context, village: VillageRow): Promise<ProjectRow[]> {
  return projectsByVillage(ctx).load(village.rowId);
}

export function agencyProjectsLed(ctx: Context, agency: AgencyRow): Promise<ProjectRow[]> {
  return projectsByLeadAgency(ctx).load(agency.rowId);
}
