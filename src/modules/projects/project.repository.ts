import { and, asc, count, desc, eq, gte, inArray, lte, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { selectableColumns } from "../../access/access.js";
import type { Context } from "../../context.js";
import {
  agencies,
  households,
  projectBeneficiaries,
  projectCoAgencies,
  projectFunds,
  projects,
} from "../../db/schema.js";
import { defineListing } from "../../shared/page-query.js";
import type { Connection, PageArgs } from "../../shared/pagination.js";
import { underRegion } from "../../shared/region-code.js";
import { rowSetFingerprint } from "../../shared/row-set.js";
import { withGlobalIds } from "../../shared/rows.js";
import type { AgencyRow } from "../agencies/agency.type.js";
import { firstOfEachGroup, rankInGroup } from "../../shared/ranked.js";
import type { ProjectFundRow, ProjectRow } from "./project.type.js";

type Category = (typeof projects.category.enumValues)[number];
type Status = (typeof projects.status.enumValues)[number];

/** A validated filter: ids already decoded by the service. */
export interface ProjectConditions {
  regionCode?: string | null;
  category?: string[] | null;
  status?: string[] | null;
  yearFrom?: number | null;
  yearTo?: number | null;
  leadAgencyId?: number | null;
}

export function projectColumns(ctx: Context) {
  return selectableColumns(ctx.access, "Project", projects, [
    "id",
    "code",
    "regionCode",
    "villageId",
    "leadAgencyId",
    "year",
  ]);
}

export const toProjectRows = (rows: Record<string, unknown>[]) =>
  withGlobalIds("Project", rows as { id: number }[]) as unknown as ProjectRow[];

const inScope = (ctx: Context) => ctx.access.scope(projects.regionCode);

function conditions(ctx: Context, f: ProjectConditions): (SQL | undefined)[] {
  return [
    inScope(ctx),
    f.regionCode ? underRegion(projects.regionCode, f.regionCode) : undefined,
    f.category?.length ? inArray(projects.category, f.category as Category[]) : undefined,
    f.status?.length ? inArray(projects.status, f.status as Status[]) : undefined,
    f.yearFrom != null ? gte(projects.year, f.yearFrom) : undefined,
    f.yearTo != null ? lte(projects.year, f.yearTo) : undefined,
    f.leadAgencyId != null ? eq(projects.leadAgencyId, f.leadAgencyId) : undefined,
  ];
}

const projectListing = defineListing<ProjectRow>({
  type: "Project",
  table: projects,
  columns: projectColumns,
  orderings: [
    { name: "ID", direction: "asc", columns: [projects.id], key: (r) => [r.rowId] },
    { name: "YEAR_DESC", direction: "desc", columns: [projects.year, projects.id], key: (r) => [r.year, r.rowId] },
    { name: "CODE", direction: "asc", columns: [projects.code, projects.id], key: (r) => [r.code, r.rowId] },
  ],
  map: toProjectRows,
});

export function pageProjects(
  ctx: Context,
  filter: ProjectConditions,
  order: string,
  args: PageArgs,
): Promise<Connection<ProjectRow>> {
  return projectListing.page(ctx, conditions(ctx, filter), order, args);
}

export async function findProjectsByIds(ctx: Context, ids: readonly number[]): Promise<ProjectRow[]> {
  const rows = await ctx.db
    .select(projectColumns(ctx))
    .from(projects)
    .where(and(inArray(projects.id, [...ids]), inScope(ctx)));
  return toProjectRows(rows);
}

const NEWEST_FIRST = [desc(projects.year), desc(projects.id)];

/** Projects of many villages, newest first, at most `limit` per village. */
export async function findProjectsByVillageIds(
  ctx: Context,
  villageIds: readonly number[],
  limit: number,
): Promise<ProjectRow[]> {
  const ranked = ctx.db
    .select({ ...projectColumns(ctx), rankInGroup: rankInGroup(projects.villageId, NEWEST_FIRST) })
    .from(projects)
    .where(and(inArray(projects.villageId, [...villageIds]), inScope(ctx)))
    .as("ranked");
  return toProjectRows(await firstOfEachGroup(ctx, ranked, limit));
}

/** Projects led by many agencies, newest first, at most `limit` per agency. */
export async function findProjectsByLeadAgencies(
  ctx: Context,
  agencyIds: readonly number[],
  limit: number,
): Promise<ProjectRow[]> {
  const ranked = ctx.db
    .select({ ...projectColumns(ctx), rankInGroup: rankInGroup(projects.leadAgencyId, NEWEST_FIRST) })
    .from(projects)
    .where(and(inArray(projects.leadAgencyId, [...agencyIds]), inScope(ctx)))
    .as("ranked");
  return toProjectRows(await firstOfEachGroup(ctx, ranked, limit));
}

export type BeneficiaryProjectRow = ProjectRow & { beneficiaryHouseholdId: number };

/** Projects many households benefited from, newest first, at most `limit` per household. */
export async function findProjectsByHouseholds(
  ctx: Context,
  householdIds: readonly number[],
  limit: number,
): Promise<BeneficiaryProjectRow[]> {
  const ranked = ctx.db
    .select({
      ...projectColumns(ctx),
      beneficiaryHouseholdId: projectBeneficiaries.householdId,
      rankInGroup: rankInGroup(projectBeneficiaries.householdId, NEWEST_FIRST),
    })
    .from(projectBeneficiaries)
    .innerJoin(projects, eq(projects.id, projectBeneficiaries.projectId))
    .where(and(inArray(projectBeneficiaries.householdId, [...householdIds]), inScope(ctx)))
    .as("ranked");
  return toProjectRows(await firstOfEachGroup(ctx, ranked, limit)) as BeneficiaryProjectRow[];
}

/**
 * A project's total funds in yuan (the project id column of an enclosing query), as `totalFunds`
 * gives it: the sum of its sources, exact to the fen, as a double.
 */
export function projectTotalFundsSql(projectId: AnyPgColumn): SQL<number> {
  return sql<number>`(SELECT coalesce(sum(${projectFunds.amount}), 0)::float8 FROM ${projectFunds} WHERE ${eq(
    projectFunds.projectId,
    projectId,
  )})`;
}

export async function findFundsByProjects(ctx: Context, projectIds: readonly number[]): Promise<ProjectFundRow[]> {
  const rows = await ctx.db
    .select(selectableColumns(ctx.access, "ProjectFund", projectFunds, ["projectId", "source"]))
    .from(projectFunds)
    .innerJoin(projects, eq(projects.id, projectFunds.projectId))
    .where(and(inArray(projectFunds.projectId, [...projectIds]), inScope(ctx)))
    .orderBy(asc(projectFunds.projectId), asc(projectFunds.source));
  return rows as unknown as ProjectFundRow[];
}

export type CoAgencyRow = AgencyRow & { coProjectId: number };

/** Co-agencies (协办单位) of many projects: the link table joined to the agencies, one statement. */
export async function findCoAgenciesByProjects(ctx: Context, projectIds: readonly number[]): Promise<CoAgencyRow[]> {
  const rows = await ctx.db
    .select({
      ...selectableColumns(ctx.access, "Agency", agencies, ["id"]),
      coProjectId: projectCoAgencies.projectId,
    })
    .from(projectCoAgencies)
    .innerJoin(agencies, eq(agencies.id, projectCoAgencies.agencyId))
    .innerJoin(projects, eq(projects.id, projectCoAgencies.projectId))
    .where(and(inArray(projectCoAgencies.projectId, [...projectIds]), inScope(ctx)))
    .orderBy(asc(projectCoAgencies.projectId), asc(agencies.name), asc(agencies.id));
  return withGlobalIds("Agency", rows as unknown as { id: number }[]) as unknown as CoAgencyRow[];
}

/** Both the project and the household must be in scope for a beneficiary link to count. */
function beneficiaryScope(ctx: Context, projectIds: readonly number[]) {
  return and(
    inArray(projectBeneficiaries.projectId, [...projectIds]),
    inScope(ctx),
    ctx.access.scope(households.villageCode),
  );
}

/** Beneficiary household ids of many projects, in id order, at most `limit` per project. */
export async function findBeneficiaryIds(
  ctx: Context,
  projectIds: readonly number[],
  limit: number,
): Promise<{ projectId: number; householdId: number }[]> {
  const ranked = ctx.db
    .select({
      projectId: projectBeneficiaries.projectId,
      householdId: projectBeneficiaries.householdId,
      rankInGroup: rankInGroup(projectBeneficiaries.projectId, [asc(projectBeneficiaries.householdId)]),
    })
    .from(projectBeneficiaries)
    .innerJoin(projects, eq(projects.id, projectBeneficiaries.projectId))
    .innerJoin(households, eq(households.id, projectBeneficiaries.householdId))
    .where(beneficiaryScope(ctx, projectIds))
    .as("ranked");
  return (await firstOfEachGroup(ctx, ranked, limit)) as { projectId: number; householdId: number }[];
}

export async function countBeneficiaries(
  ctx: Context,
  projectIds: readonly number[],
): Promise<{ projectId: number; rows: number; fingerprint: string }[]> {
  // The fingerprint (of the households) only where the count is published rounded.
  const fingerprint = ctx.access.roundsCountsOf("Household")
    ? rowSetFingerprint(projectBeneficiaries.householdId)
    : sql<string>`'0'`;
  const rows = await ctx.db
    .select({ projectId: projectBeneficiaries.projectId, n: count(), fingerprint })
    .from(projectBeneficiaries)
    .innerJoin(projects, eq(projects.id, projectBeneficiaries.projectId))
    .innerJoin(households, eq(households.id, projectBeneficiaries.householdId))
    .where(beneficiaryScope(ctx, projectIds))
    .groupBy(projectBeneficiaries.projectId);
  return rows.map((r) => ({ projectId: r.projectId, rows: Number(r.n), fingerprint: r.fingerprint }));
}
