import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Context } from "../../context.js";
import type { Drizzle } from "../../db/client.js";
import { cadreHouseholdAssignments, cadres, households, members } from "../../db/schema.js";
import { toGlobalId } from "../../shared/global-id.js";
import type { Effect } from "../../writes/engine.js";
import type { HistoryBook } from "../../writes/history.js";

export type NewHousehold = typeof households.$inferInsert;
export type NewMember = Omit<typeof members.$inferInsert, "householdId" | "villageCode">;

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

export async function findCadre(ctx: Context, id: number) {
  const [row] = await ctx.db.select({ id: cadres.id, name: cadres.name }).from(cadres).where(eq(cadres.id, id));
  return row ?? null;
}

/** A new household and its members, identified on a day (its first history event). */
export function insertHousehold(household: NewHousehold, people: NewMember[], occurredOn: string, reason: string) {
  return async (tx: Drizzle, history: HistoryBook): Promise<number> => {
    const [row] = await tx.insert(households).values(household).returning({ id: households.id });
    const id = row!.id;
    await tx.insert(members).values(people.map((m) => ({ ...m, householdId: id, villageCode: household.villageCode })));
    history.identified(id, household, occurredOn, reason);
    return id;
  };
}

/** A member joins the locked household: a second head is refused, the new member is recorded. */
export function addMember(member: NewMember): Effect {
  return {
    fields: ["members"],
    async apply(tx, household) {
      const householdId = household.id as number;
      if (member.relation === "HEAD") {
        const heads = await tx
          .select({ id: members.id })
          .from(members)
          .where(and(eq(members.householdId, householdId), eq(members.relation, "HEAD")));
        if (heads.length) {
          return {
            invalid: {
              path: ["member", "relation"],
              code: "INCONSISTENT",
              message: "The household already has a head.",
            },
          };
        }
      }
      const [row] = await tx
        .insert(members)
        .values({ ...member, householdId, villageCode: household.villageCode as string })
        .returning({ id: members.id });
      return [
        {
          field: "members",
          newValue: { member: toGlobalId("Member", row!.id), name: member.name, relation: member.relation },
        },
      ];
    },
  };
}

const helperValue = (c: { cadreId: number; name: string }) => ({ cadre: toGlobalId("Cadre", c.cadreId), name: c.name });

/**
 * The household's helper (帮扶责任人) becomes `cadre` on `startedOn`: the current assignment ends
 * that day (it may not have started after it), the new one starts; the same helper is no change.
 */
export function replaceHelper(cadre: { id: number; name: string }, startedOn: string): Effect {
  return {
    fields: ["helper"],
    async apply(tx, household) {
      const householdId = household.id as number;
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
      if (current?.cadreId === cadre.id) return [];
      if (current && current.startDate > startedOn) {
        return {
          invalid: {
            path: ["startedOn"],
            code: "INCONSISTENT",
            message: `The current helper started on ${current.startDate}: the new one cannot start before that.`,
          },
        };
      }
      if (current) {
        await tx
          .update(cadreHouseholdAssignments)
          .set({ endDate: startedOn })
          .where(eq(cadreHouseholdAssignments.id, current.id));
      }
      await tx.insert(cadreHouseholdAssignments).values({ cadreId: cadre.id, householdId, startDate: startedOn });
      return [
        {
          field: "helper",
          occurredOn: startedOn,
          oldValue: current ? helperValue(current) : null,
          newValue: helperValue({ cadreId: cadre.id, name: cadre.name }),
        },
      ];
    },
  };
}
