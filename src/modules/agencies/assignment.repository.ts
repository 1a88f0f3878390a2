import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { selectableColumns } from "../../access/access.js";
import type { Context } from "../../context.js";
import {
  agencyVillageAssignments,
  cadreHouseholdAssignments,
  cadreVillageAssignments,
  households,
  villages,
} from "../../db/schema.js";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { withGlobalIds } from "../../shared/rows.js";
import type { VillageRow } from "../villages/village.type.js";
import type { CadreVillageAssignmentRow, HelperAssignmentRow, VillageAssignmentRow } from "./assignment.type.js";

/*
 * Assignments join a region-keyed table (villages) to agencies and cadres: every query that
 * reaches a village through them ANDs the caller's region scope on villages.code.
 */

const isCurrent = (endDate: AnyPgColumn) => sql<boolean>`(${endDate} is null)`;

/** The villages currently paired with many agencies, in scope, by code. Rows carry `pairedAgencyId`. */
export async function findCurrentVillagesByAgencies(
  ctx: Context,
  agencyIds: readonly number[],
): Promise<(VillageRow & { pairedAgencyId: number })[]> {
  const rows = await ctx.db
    .select({
      ...selectableColumns(ctx.access, "Village", villages, ["id", "code", "townshipCode"]),
      pairedAgencyId: agencyVillageAssignments.agencyId,
    })
    .from(agencyVillageAssignments)
    .innerJoin(villages, eq(villages.id, agencyVillageAssignments.villageId))
    .where(
      and(
        inArray(agencyVillageAssignments.agencyId, [...agencyIds]),
        isNull(agencyVillageAssignments.endDate),
        ctx.access.scope(villages.code),
      ),
    )
    .orderBy(asc(villages.code));
  return withGlobalIds("Village", rows as unknown as { id: number }[]) as unknown as (VillageRow & {
    pairedAgencyId: number;
  })[];
}

/** Every pairing (history included) of many agencies with villages in scope, latest first. */
export async function findVillageAssignmentsByAgencies(
  ctx: Context,
  agencyIds: readonly number[],
): Promise<VillageAssignmentRow[]> {
  const rows = await ctx.db
    .select({
      ...selectableColumns(ctx.access, "VillageAssignment", agencyVillageAssignments, ["agencyId", "villageId"]),
      current: isCurrent(agencyVillageAssignments.endDate),
    })
    .from(agencyVillageAssignments)
    .innerJoin(villages, eq(villages.id, agencyVillageAssignments.villageId))
    .where(and(inArray(agencyVillageAssignments.agencyId, [...agencyIds]), ctx.access.scope(villages.code)))
    .orderBy(desc(agencyVillageAssignments.startDate), asc(agencyVillageAssignments.id));
  return rows as unknown as VillageAssignmentRow[];
}

/** The current work team (驻村工作队, first secretary included) of many villages. */
export async function findCurrentWorkTeamsByVillages(
  ctx: Context,
  villageIds: readonly number[],
): Promise<CadreVillageAssignmentRow[]> {
  const rows = await ctx.db
    .select(selectableColumns(ctx.access, "CadreVillageAssignment", cadreVillageAssignments, ["cadreId", "villageId"]))
    .from(cadreVillageAssignments)
    .where(and(inArray(cadreVillageAssignments.villageId, [...villageIds]), isNull(cadreVillageAssignments.endDate)))
    .orderBy(
      asc(cadreVillageAssignments.role),
      asc(cadreVillageAssignments.startDate),
      asc(cadreVillageAssignments.id),
    );
  return rows as unknown as CadreVillageAssignmentRow[];
}

/**
 * The current village post of many cadres, only in villages in scope; a cadre holding several
 * comes last with the latest, which is the one kept.
 */
export async function findCurrentPostsByCadres(
  ctx: Context,
  cadreIds: readonly number[],
): Promise<CadreVillageAssignmentRow[]> {
  const rows = await ctx.db
    .select(
      selectableColumns(ctx.access, "CadreVillageAssignment", cadreVillageAssignments, [
        "cadreId",
        "villageId",
        "role",
      ]),
    )
    .from(cadreVillageAssignments)
    .innerJoin(villages, eq(villages.id, cadreVillageAssignments.villageId))
    .where(
      and(
        inArray(cadreVillageAssignments.cadreId, [...cadreIds]),
        isNull(cadreVillageAssignments.endDate),
        ctx.access.scope(villages.code),
      ),
    )
    .orderBy(asc(cadreVillageAssignments.startDate), asc(cadreVillageAssignments.id));
  return rows as unknown as CadreVillageAssignmentRow[];
}

/** The helper history (帮扶责任人 over time) of many households, oldest first. */
export async function findHelperAssignmentsByHouseholds(
  ctx: Context,
  householdIds: readonly number[],
): Promise<HelperAssignmentRow[]> {
  const rows = await ctx.db
    .select({
      ...helperColumns(ctx),
      current: isCurrent(cadreHouseholdAssignments.endDate),
    })
    .from(cadreHouseholdAssignments)
    .where(inArray(cadreHouseholdAssignments.householdId, [...householdIds]))
    .orderBy(asc(cadreHouseholdAssignments.startDate), asc(cadreHouseholdAssignments.id));
  return withGlobalIds("HelperAssignment", rows as unknown as { id: number }[]) as unknown as HelperAssignmentRow[];
}

const helperColumns = (ctx: Context) =>
  selectableColumns(ctx.access, "HelperAssignment", cadreHouseholdAssignments, ["id", "cadreId", "householdId"]);

/**
 * Helper assignments by row id, of households in the caller's scope (the change feed's view of
 * them: in queries an assignment is reached through its household).
 */
export async function findHelperAssignmentsByIds(ctx: Context, ids: readonly number[]): Promise<HelperAssignmentRow[]> {
  const rows = await ctx.db
    .select({ ...helperColumns(ctx), current: isCurrent(cadreHouseholdAssignments.endDate) })
    .from(cadreHouseholdAssignments)
    .innerJoin(households, eq(households.id, cadreHouseholdAssignments.householdId))
    .where(and(inArray(cadreHouseholdAssignments.id, [...ids]), ctx.access.scope(households.villageCode)));
  return withGlobalIds("HelperAssignment", rows as unknown as { id: number }[]) as unknown as HelperAssignmentRow[];
}

/** The households many cadres currently help (ids only: the households loader applies scope). */
export async function findCurrentHouseholdIdsByCadres(
  ctx: Context,
  cadreIds: readonly number[],
): Promise<{ cadreId: number; householdId: number }[]> {
  return ctx.db
    .select({ cadreId: cadreHouseholdAssignments.cadreId, householdId: cadreHouseholdAssignments.householdId })
    .from(cadreHouseholdAssignments)
    .where(and(inArray(cadreHouseholdAssignments.cadreId, [...cadreIds]), isNull(cadreHouseholdAssignments.endDate)))
    .orderBy(asc(cadreHouseholdAssignments.householdId));
}
