import type { Context } from "../../context.js";
import { BadUserInputError } from "../../shared/errors.js";
import { isIsoDate, today } from "../../shared/dates.js";
import { decodeId } from "../../shared/global-id.js";
import type { Connection, PageArgs } from "../../shared/pagination.js";
import { assertRegionPrefix } from "../../shared/region-code.js";
import { villageByCode } from "../villages/village.loader.js";
import type { VillageRow } from "../villages/village.type.js";
import type { IntRange } from "../villages/village.input.js";
import type { HouseholdFilter } from "./household.input.js";
import {
  eventsByHousehold,
  householdById,
  householdCountByVillage,
  incomesByHousehold,
  registryFiguresByPrefix,
} from "./household.loader.js";
import { pageHouseholds } from "./household.repository.js";
import type { HouseholdEventRow, HouseholdIncomeRow, HouseholdRow } from "./household.type.js";
import { membersByHousehold } from "./member.loader.js";
import type { MemberRow } from "./member.type.js";

/** Households are small; a bound keeps a corrupt one from flooding a response. */
export const MAX_MEMBERS_PER_HOUSEHOLD = 50;

function assertRange(name: string, range: IntRange | null | undefined): void {
  if (range?.from != null && range.to != null && range.from > range.to) {
    throw new BadUserInputError(`\`${name}.from\` must not exceed \`${name}.to\`.`);
  }
}

export function validateHouseholdFilter(filter: HouseholdFilter): void {
  if (filter.regionCode) assertRegionPrefix(filter.regionCode);
  assertRange("identifiedYear", filter.identifiedYear);
  assertRange("exitedYear", filter.exitedYear);
}

export function getHousehold(ctx: Context, id: string): Promise<HouseholdRow | null> {
  return householdById(ctx).load(decodeId(id, "Household"));
}

/**
 * The household as its history says it stood on a date: its poverty status from the last status
 * event on or before that day, its monitoring status and type from the standing that event
 * recorded (events are never updated or deleted, so this is stable).
 */
export async function getHouseholdAsOf(ctx: Context, id: string, asOf: string): Promise<HouseholdRow | null> {
  if (!isIsoDate(asOf)) {
    throw new BadUserInputError("`asOf` must be an ISO date, e.g. 2021-06-30.");
  }
  if (asOf > today()) throw new BadUserInputError("`asOf` cannot be in the future.");
  const household = await getHousehold(ctx, id);
  if (!household) return null;
  const events = await eventsByHousehold(ctx).load(household.rowId);
  const last = [...events].reverse().find((e) => e.toStatus && String(e.occurredOn) <= asOf);
  if (!last) return null;
  const { monitoringStatus, monitoringType } = recordedStanding(last.newValue);
  return { ...household, status: last.toStatus!, monitoringStatus, monitoringType } as HouseholdRow;
}

/** The monitoring a status event recorded (`{ status, monitoringStatus, monitoringType }`). */
function recordedStanding(newValue: unknown): { monitoringStatus: string; monitoringType: string | null } {
  let value: unknown = newValue;
  try {
    if (typeof newValue === "string") value = JSON.parse(newValue);
  } catch {
    value = null;
  }
  const v = (value && typeof value === "object" ? value : {}) as { monitoringStatus?: string; monitoringType?: string };
  return { monitoringStatus: v.monitoringStatus ?? "NOT_MONITORED", monitoringType: v.monitoringType ?? null };
}

export function listHouseholds(
  ctx: Context,
  filter: HouseholdFilter = {},
  order = "ID",
  args: PageArgs = {},
): Promise<Connection<HouseholdRow>> {
  validateHouseholdFilter(filter);
  return pageHouseholds(ctx, filter, order, args);
}

/**
 * A village's households as a connection. A keyset page per parent cannot be batched by one
 * DataLoader, so this runs one page statement per village: acceptable for this nested field,
 * which clients request for a few villages at a time (use `households(filter:{regionCode})` for many).
 */
export function listVillageHouseholds(
  ctx: Context,
  village: VillageRow,
  filter: HouseholdFilter = {},
  args: PageArgs = {},
): Promise<Connection<HouseholdRow>> {
  validateHouseholdFilter(filter);
  return pageHouseholds(ctx, filter, "ID", args, village.code);
}

export async function villageHouseholdCount(ctx: Context, village: VillageRow): Promise<number | null> {
  return ctx.access.publishCount("Household", await householdCountByVillage(ctx).load(village.code), ctx.config);
}

export async function householdMembers(ctx: Context, household: HouseholdRow): Promise<MemberRow[]> {
  const all = await membersByHousehold(ctx).load(household.rowId);
  return all.slice(0, MAX_MEMBERS_PER_HOUSEHOLD);
}

export async function householdHead(ctx: Context, household: HouseholdRow): Promise<MemberRow | null> {
  const all = await membersByHousehold(ctx).load(household.rowId);
  return all.find((m) => m.relation === "HEAD") ?? null;
}

export function householdVillage(ctx: Context, household: HouseholdRow): Promise<VillageRow | null> {
  return villageByCode(ctx).load(household.villageCode);
}

export async function householdIncomes(
  ctx: Context,
  household: HouseholdRow,
  year?: number | null,
): Promise<HouseholdIncomeRow[]> {
  const all = await incomesByHousehold(ctx).load(household.rowId);
  return year == null ? all : all.filter((r) => r.year === year);
}

export function householdHistory(ctx: Context, household: HouseholdRow): Promise<HouseholdEventRow[]> {
  return eventsByHousehold(ctx).load(household.rowId);
}

/** The digits of a region's code that every code under it shares. */
const PREFIX_LENGTH: Record<string, number> = { PROVINCE: 2, CITY: 4, COUNTY: 6, TOWNSHIP: 9 };

export function regionPrefix(region: { code: string; level: string }): string {
  return region.code.slice(0, PREFIX_LENGTH[region.level] ?? 12);
}

/**
 * 贫困发生率: members of households poor now ÷ 户籍人口, as a share (0–1, four decimals); null when
 * there is no population to divide by or when the caller receives counts of members rounded.
 */
export async function povertyIncidence(ctx: Context, prefix: string): Promise<number | null> {
  const figures = await registryFiguresByPrefix(ctx).load(prefix);
  if (!figures?.population) return null;
  // A principal who may only count members (counts published rounded) gets no ratio of exact counts.
  if (ctx.access.roundsCountsOf("Member")) return null;
  return Math.round((figures.poorMembers / figures.population) * 10_000) / 10_000;
}

/** A region's 户籍人口 and 建档立卡人口: the sums of its villages' figures. */
export async function regionPopulation(
  ctx: Context,
  prefix: string,
): Promise<{ population: number; registeredPoor: number }> {
  const figures = await registryFiguresByPrefix(ctx).load(prefix);
  return { population: figures?.population ?? 0, registeredPoor: figures?.registeredPoor ?? 0 };
}
