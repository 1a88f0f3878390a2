import { and, eq, isNull } from "drizzle-orm";
import type { Context } from "../../context.js";
import { agencies, agencyVillageAssignments, cadreVillageAssignments, villages } from "../../db/schema.js";
import { bumpVersion, lockRow, type Tx, type TxState } from "./registry.repository.js";

/** Locks the village (in scope; no key column is written) and checks the version the caller read. */
async function lockVillage(
  tx: Tx,
  ctx: Context,
  villageId: number,
  version: number,
): Promise<{ kind: "missing" } | { kind: "conflict"; currentVersion: number } | null> {
  const village = await lockRow(tx, villages, villageId, ctx.access.scope(villages.code), "no key update");
  if (!village) return { kind: "missing" };
  if (village.version !== version) return { kind: "conflict", currentVersion: village.version as number };
  return null;
}

export async function agencyNameTaken(ctx: Context, name: string, except?: number): Promise<boolean> {
  const rows = await ctx.db.select({ id: agencies.id }).from(agencies).where(eq(agencies.name, name));
  return rows.some((r) => r.id !== except);
}

export async function insertAgency(ctx: Context, agency: typeof agencies.$inferInsert): Promise<number> {
  const [row] = await ctx.db.insert(agencies).values(agency).returning({ id: agencies.id });
  return row!.id;
}

/**
 * Posts a cadre to a village (locked, in scope, at the version the caller read). A new first secretary
 * ends the current one's post on the day it starts (one current first secretary per village); holding
 * the post already is unchanged. A new post bumps the village's version.
 */
export function postCadre(
  ctx: Context,
  version: number,
  post: { villageId: number; cadreId: number; role: "FIRST_SECRETARY"; startDate: string },
): Promise<TxState> {
  return ctx.db.transaction(async (tx) => {
    const refused = await lockVillage(tx, ctx, post.villageId, version);
    if (refused) return refused;
    const current = await tx
      .select()
      .from(cadreVillageAssignments)
      .where(and(eq(cadreVillageAssignments.villageId, post.villageId), isNull(cadreVillageAssignments.endDate)));
    if (current.some((a) => a.cadreId === post.cadreId && a.role === post.role)) return { kind: "unchanged" };
    const replaced = current.filter((a) => a.role === "FIRST_SECRETARY" && post.role === "FIRST_SECRETARY");
    for (const previous of replaced) {
      if (previous.startDate > post.startDate) {
        return {
          kind: "invalid",
          field: "startedOn",
          code: "INCONSISTENT",
          message: `The current first secretary started on ${previous.startDate}: the new one cannot start before that.`,
        };
      }
      await tx
        .update(cadreVillageAssignments)
        .set({ endDate: post.startDate })
        .where(eq(cadreVillageAssignments.id, previous.id));
    }
    await tx.insert(cadreVillageAssignments).values(post);
    await bumpVersion(tx, villages, post.villageId);
    return { kind: "applied", id: post.villageId };
  });
}

/**
 * Pairs an agency with a village (locked, in scope, at the version the caller read); an existing
 * current pairing of the same kind is unchanged. A new pairing bumps the village's version.
 */
export function pairAgency(
  ctx: Context,
  version: number,
  pairing: { villageId: number; agencyId: number; kind: "DESIGNATED"; startDate: string },
): Promise<TxState> {
  return ctx.db.transaction(async (tx) => {
    const refused = await lockVillage(tx, ctx, pairing.villageId, version);
    if (refused) return refused;
    const current = await tx
      .select({ id: agencyVillageAssignments.id })
      .from(agencyVillageAssignments)
      .where(
        and(
          eq(agencyVillageAssignments.villageId, pairing.villageId),
          eq(agencyVillageAssignments.agencyId, pairing.agencyId),
          eq(agencyVillageAssignments.kind, pairing.kind),
          isNull(agencyVillageAssignments.endDate),
        ),
      );
    if (current.length) return { kind: "unchanged" };
    await tx.insert(agencyVillageAssignments).values(pairing);
    await bumpVersion(tx, villages, pairing.villageId);
    return { kind: "applied", id: pairing.villageId };
  });
}
