import { and, asc, desc, eq, getTableColumns, inArray, isNull, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Context } from "../context.js";
import {
  agencies,
  agencyVillageAssignments,
  assets,
  cadreHouseholdAssignments,
  cadreVillageAssignments,
  cadres,
  households,
  members,
  projectBeneficiaries,
  projects,
  regions,
  villages,
} from "../db/schema.js";
import { MAX_PROJECTS_PER_HOUSEHOLD, MAX_PROJECTS_PER_VILLAGE } from "../modules/projects/project.loader.js";
import { MAX_ASSETS_PER_VILLAGE } from "../modules/projects/asset.loader.js";
import { MAX_MEMBERS_PER_HOUSEHOLD } from "../modules/households/household.service.js";
import { visibleRegions } from "../modules/regions/region.repository.js";

/**
 * The GraphQL types a plan can read straight from their table: the table (drizzle's definition is
 * the source of every name), how a row's global id is made, the rows the principal may see, and the
 * relations the compiler follows. Everything else a type offers is reached through its resolvers.
 */
export interface Source {
  type: string;
  table: PgTable;
  /** The column whose value, prefixed with the type's name, is the global id. */
  idColumn: AnyPgColumn;
  /** Row predicate of the principal's region scope and the policy's `rows:` rules for this table. */
  visible(ctx: Context): SQL | undefined;
  /** Columns every row brings along: the keys relations and cursors read. */
  keys: readonly AnyPgColumn[];
}

export interface Relation {
  /** The related source. */
  target: string;
  list: boolean;
  /** How the related rows join the parent's row (the parent table's name is in scope). */
  join(parent: PgTable): SQL;
  /** Order and bound of a list, as its resolver returns it. */
  orderBy?: SQL[];
  limit?: number;
  /** Parent columns the join reads. */
  parentKeys: readonly AnyPgColumn[];
}

const scoped = (type: string, table: PgTable, region: AnyPgColumn) => (ctx: Context) =>
  and(ctx.access.scope(region), ctx.access.rowCondition(type, table));
/** Tables not keyed by region (cadres, agencies): the policy's `rows:` rules only. */
const unscoped = (type: string, table: PgTable) => (ctx: Context) => ctx.access.rowCondition(type, table);

export const SOURCES: Record<string, Source> = {
  Household: {
    type: "Household",
    table: households,
    idColumn: households.id,
    visible: scoped("Household", households, households.villageCode),
    keys: [households.id, households.villageCode],
  },
  Member: {
    type: "Member",
    table: members,
    idColumn: members.id,
    visible: scoped("Member", members, members.villageCode),
    keys: [members.id, members.householdId, members.relation, members.birthDate],
  },
  Village: {
    type: "Village",
    table: villages,
    idColumn: villages.id,
    visible: scoped("Village", villages, villages.code),
    keys: [villages.id, villages.code],
  },
  Region: {
    type: "Region",
    table: regions,
    idColumn: regions.code,
    visible: (ctx) => and(visibleRegions(ctx), ctx.access.rowCondition("Region", regions)),
    keys: [regions.code],
  },
  Cadre: {
    type: "Cadre",
    table: cadres,
    idColumn: cadres.id,
    visible: unscoped("Cadre", cadres),
    keys: [cadres.id, cadres.agencyId],
  },
  Agency: {
    type: "Agency",
    table: agencies,
    idColumn: agencies.id,
    visible: unscoped("Agency", agencies),
    keys: [agencies.id],
  },
  Project: {
    type: "Project",
    table: projects,
    idColumn: projects.id,
    visible: scoped("Project", projects, projects.regionCode),
    keys: [projects.id, projects.year],
  },
  Asset: {
    type: "Asset",
    table: assets,
    idColumn: assets.id,
    // asset.repository inScope: the region and the policy's row rule (the public sees no household-owned asset).
    visible: scoped("Asset", assets, assets.villageCode),
    keys: [assets.id, assets.villageCode],
  },
};

/** Projects newest first (project.repository NEWEST_FIRST). */
const NEWEST_FIRST = [desc(projects.year), desc(projects.id)];

/** A region above a village code: the code cut to `digits` and padded with zeros (region.service `ancestor`). */
const ancestor =
  (digits: number): Relation["join"] =>
  () =>
    // Cast back to the code's own type, so the comparison uses the primary key's index.
    sql`${regions.code} = rpad(left(${villages.code}, ${sql.raw(String(digits))}), 12, '0')::char(12)`;

/** Relations by `Type.field`: what the compiler can join instead of calling the field's resolver. */
export const RELATIONS: Record<string, Relation> = {
  "Household.members": {
    target: "Member",
    list: true,
    join: () => eq(members.householdId, households.id),
    // members.service: head first, then by birth date (membersByHousehold), at most 50.
    orderBy: [
      asc(members.householdId),
      desc(sql`${members.relation} = 'HEAD'`),
      asc(members.birthDate),
      asc(members.id),
    ],
    limit: MAX_MEMBERS_PER_HOUSEHOLD,
    parentKeys: [households.id],
  },
  "Household.village": {
    target: "Village",
    list: false,
    join: () => eq(villages.code, households.villageCode),
    parentKeys: [households.villageCode],
  },
  "Household.helper": {
    // The current responsible helper: the one open assignment (a unique index keeps it one).
    target: "Cadre",
    list: false,
    join: () =>
      inArray(
        cadres.id,
        sql`(SELECT ${cadreHouseholdAssignments.cadreId} FROM ${cadreHouseholdAssignments} WHERE ${and(
          eq(cadreHouseholdAssignments.householdId, households.id),
          isNull(cadreHouseholdAssignments.endDate),
        )})`,
      ),
    parentKeys: [households.id],
  },
  "Household.projects": {
    target: "Project",
    list: true,
    join: () =>
      inArray(
        projects.id,
        sql`(SELECT ${projectBeneficiaries.projectId} FROM ${projectBeneficiaries} WHERE ${eq(
          projectBeneficiaries.householdId,
          households.id,
        )})`,
      ),
    orderBy: NEWEST_FIRST,
    limit: MAX_PROJECTS_PER_HOUSEHOLD,
    parentKeys: [households.id],
  },
  "Village.projects": {
    target: "Project",
    list: true,
    join: () => eq(projects.villageId, villages.id),
    orderBy: NEWEST_FIRST,
    limit: MAX_PROJECTS_PER_VILLAGE,
    parentKeys: [villages.id],
  },
  "Village.agencies": {
    // agency.repository findCurrentAgenciesByVillages: the open pairings, by agency name.
    target: "Agency",
    list: true,
    join: () =>
      inArray(
        agencies.id,
        sql`(SELECT ${agencyVillageAssignments.agencyId} FROM ${agencyVillageAssignments} WHERE ${and(
          eq(agencyVillageAssignments.villageId, villages.id),
          isNull(agencyVillageAssignments.endDate),
        )})`,
      ),
    orderBy: [asc(agencies.name), asc(agencies.id)],
    parentKeys: [villages.id],
  },
  "Village.firstSecretary": {
    // The open FIRST_SECRETARY post (a unique partial index keeps it one).
    target: "Cadre",
    list: false,
    join: () =>
      inArray(
        cadres.id,
        sql`(SELECT ${cadreVillageAssignments.cadreId} FROM ${cadreVillageAssignments} WHERE ${and(
          eq(cadreVillageAssignments.villageId, villages.id),
          eq(cadreVillageAssignments.role, "FIRST_SECRETARY"),
          isNull(cadreVillageAssignments.endDate),
        )})`,
      ),
    parentKeys: [villages.id],
  },
  "Village.assets": {
    // asset.repository findAssetsByVillages without a ledger argument: id order, at most 500.
    target: "Asset",
    list: true,
    join: () => eq(assets.villageCode, villages.code),
    orderBy: [asc(assets.id)],
    limit: MAX_ASSETS_PER_VILLAGE,
    parentKeys: [villages.code],
  },
  "Cadre.agency": {
    target: "Agency",
    list: false,
    join: () => eq(agencies.id, cadres.agencyId),
    parentKeys: [cadres.agencyId],
  },
  "Village.township": {
    target: "Region",
    list: false,
    // The village's own township key, where it is the ancestor (every village's, by the data): a
    // comparison of columns, so PostgreSQL does not compute rpad(left()) for every region it reads.
    join: () =>
      and(
        eq(regions.code, villages.townshipCode),
        sql`${villages.townshipCode} = rpad(left(${villages.code}, 9), 12, '0')::char(12)`,
      )!,
    parentKeys: [villages.code, villages.townshipCode],
  },
  "Village.county": { target: "Region", list: false, join: ancestor(6), parentKeys: [villages.code] },
  "Village.city": { target: "Region", list: false, join: ancestor(4), parentKeys: [villages.code] },
};

/** A type's columns by property name (the GraphQL field of the same name). */
export function columnsOf(source: Source): Record<string, AnyPgColumn> {
  return getTableColumns(source.table) as Record<string, AnyPgColumn>;
}
