import { and, eq, inArray } from "drizzle-orm";
import type { Context } from "../../context.js";
import { households, regions, villages } from "../../db/schema.js";

/** Which of these 12-digit codes name a region or a village (unscoped: reference data). */
export async function findExistingRegionCodes(ctx: Context, codes: string[]): Promise<Set<string>> {
  if (!codes.length) return new Set();
  const [fromRegions, fromVillages] = await Promise.all([
    ctx.db.select({ code: regions.code }).from(regions).where(inArray(regions.code, codes)),
    ctx.db.select({ code: villages.code }).from(villages).where(inArray(villages.code, codes)),
  ]);
  return new Set([...fromRegions, ...fromVillages].map((r) => r.code));
}

export async function findVillageIdByCode(ctx: Context, code: string): Promise<number | null> {
  const [row] = await ctx.db.select({ id: villages.id }).from(villages).where(eq(villages.code, code));
  return row?.id ?? null;
}

/** Household row ids among these that exist in the principal's scope. */
export async function findHouseholdIdsInScope(ctx: Context, ids: number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await ctx.db
    .select({ id: households.id })
    .from(households)
    .where(and(inArray(households.id, ids), ctx.access.scope(households.villageCode)));
  return new Set(rows.map((r) => r.id));
}
