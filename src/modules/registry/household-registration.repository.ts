import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Context } from "../../context.js";
import { cadreHouseholdAssignments, cadres, households, members } from "../../db/schema.js";
import { toGlobalId } from "../../shared/global-id.js";
import { appendHistory, bumpVersion, lockRow, type TxState } from "./registry.repository.js";

type NewHousehold = typeof households.$inferInsert;
type NewMember = Omit<typeof members.$inferInsert, "householdId" | "villageCode">;

export async function householdNumberTaken(ctx: Context, householdNumber: string): Promise<boolean> {
  const rows = await ctx.db
    .select({ id: households.id })
    .from(households)
    .where(eq(households.householdNumber, householdNumber));
  return rows.length > 0;
}

/** Which of these identity numbers are already registered (anywhere: they are unique nationwide). */
export async function registeredIdNumbers(ctx: Context, idNumbers: string[]): Promise<Set<string>> {
  if (!idNumbers.length) return new Set();
  const rows = await ctx.db
    .select({ idNumber: members.idNumber })
    .from(members)
    .where(inArray(members.idNumber, idNumbers));
  return new Set(rows.map((r) => r.idNumber));
}

/** A new household, its members and its IDENTIFIED event, in one transaction. */
export function insertHousehold(
  ctx: Context,
  household: NewHousehold,
  people: NewMember[],
  event: { occurredOn: string; reason: string },
): Promise<number> {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.insert(households).values(household).returning({ id: households.id });
    const id = row!.id;
    await tx.insert(members).values(people.map((m) => ({ ...m, householdId: id, villageCode: household.villageCode })));
    await appendHistory(
      tx,
      ctx,
      [
        {
          householdId: id,
          kind: "IDENTIFIED",
          occurredOn: event.occurredOn,
          toStatus: household.status as "POOR" | "MONITORED",
          field: "Household.status",
          newValue: { status: household.status, monitoringType: household.monitoringType ?? null },
        },
      ],
      event.reason,
    );
    return id;
  });
}

/** A member joins a household: household version checked and bumped, one history event. */
export function insertMember(
  ctx: Context,
  householdId: number,
  version: number,
  member: NewMember,
  reason: string,
): Promise<TxState> {
  return ctx.db.transaction(async (tx) => {
    const household = await lockRow(tx, households, householdId, ctx.access.scope(households.villageCode));
    if (!household) return { kind: "missing" } as const;
    if (household.version !== version) return { kind: "conflict", currentVersion: household.version as number };
    if (member.relation === "HEAD") {
      const heads = await tx
        .select({ id: members.id })
        .from(members)
        .where(and(eq(members.householdId, householdId), eq(members.relation, "HEAD")));
      if (heads.length) {
        return {
          kind: "invalid",
          field: "member.relation",
          code: "INCONSISTENT",
          message: "The household already has a head.",
        };
      }
    }
    const [row] = await tx
      .insert(members)
      .values({ ...member, householdId, villageCode: household.villageCode as string })
      .returning({ id: members.id });
    await bumpVersion(tx, households, householdId);
    await appendHistory(
      tx,
      ctx,
      [
        {
          householdId,
          kind: "FIELD_CHANGED",
          field: "Household.members",
          newValue: { member: toGlobalId("Member", row!.id), name: member.name, relation: member.relation },
        },
      ],
      reason,
    );
    return { kind: "applied", id: householdId };
  });
}

export async function findCadre(ctx: Context, id: number) {
  const [row] = await ctx.db.select({ id: cadres.id, name: cadres.name }).from(cadres).where(eq(cadres.id, id));
  return row ?? null;
}

/**
 * Ends the household's current helper assignment on `startedOn` and starts the new cadre's, with the
 * household's version bumped and one history event (old helper → new helper).
 */
export function replaceHelper(
  ctx: Context,
  householdId: number,
  version: number,
  cadre: { id: number; name: string },
  startedOn: string,
  reason: string,
): Promise<TxState> {
  return ctx.db.transaction(async (tx) => {
    const household = await lockRow(tx, households, householdId, ctx.access.scope(households.villageCode));
    if (!household) return { kind: "missing" } as const;
    if (household.version !== version) return { kind: "conflict", currentVersion: household.version as number };
    const [current] = await tx
      .select({
        id: cadreHouseholdAssignments.id,
        cadreId: cadres.id,
        name: cadres.name,
        startDate: cadreHouseholdAssignments.startDate,
      })
      .from(cadreHouseholdAssignments)
      .innerJoin(cadres, eq(cadres.id, cadreHouseholdAssignments.cadreId))
      .where(and(eq(cadreHouseholdAssignments.householdId, householdId), isNull(cadreHouseholdAssignments.endDate)));
    if (current?.cadreId === cadre.id) return { kind: "unchanged" } as const;
    if (current && current.startDate > startedOn) {
      return {
        kind: "invalid",
        field: "startedOn",
        code: "INCONSISTENT",
        message: `The current helper started on ${current.startDate}: the new one cannot start before that.`,
      };
    }
    if (current) {
      await tx
        .update(cadreHouseholdAssignments)
        .set({ endDate: startedOn })
        .where(eq(cadreHouseholdAssignments.id, current.id));
    }
    await tx.insert(cadreHouseholdAssignments).values({ cadreId: cadre.id, householdId, startDate: startedOn });
    await bumpVersion(tx, households, householdId);
    const helper = (c: { cadreId?: number; id?: number; name: string }) => ({
      cadre: toGlobalId("Cadre", (c.cadreId ?? c.id)!),
      name: c.name,
    });
    await appendHistory(
      tx,
      ctx,
      [
        {
          householdId,
          kind: "FIELD_CHANGED",
          occurredOn: startedOn,
          field: "Household.helper",
          oldValue: current ? helper(current) : null,
          newValue: helper(cadre),
        },
      ],
      reason,
    );
    return { kind: "applied", id: householdId };
  });
}
