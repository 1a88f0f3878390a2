import { and, eq, isNull } from "drizzle-orm";
import type { Context } from "../../context.js";
import type { Drizzle } from "../../db/client.js";
import { agencies, agencyVillageAssignments, cadreVillageAssignments } from "../../db/schema.js";
import { toGlobalId } from "../../shared/global-id.js";
import type { Effect } from "../../writes/engine.js";

export async function agencyNameTaken(ctx: Context, name: string, except?: number): Promise<boolean> {
  const rows = await ctx.db.select({ id: agencies.id }).from(agencies).where(eq(agencies.name, name));
  return rows.some((r) => r.id !== except);
}

export function insertAgency(agency: typeof agencies.$inferInsert) {
  return async (tx: Drizzle): Promise<number> => {
    const [row] = await tx.insert(agencies).values(agency).returning({ id: agencies.id });
    return row!.id;
  };
}

type Role = (typeof cadreVillageAssignments.role.enumValues)[number];

/**
 * Posts a cadre to the locked village. A new first secretary ends the current one's post on the
 * day it starts (one current first secretary per village; it may not have started after that
 * day); holding the post already is no change.
 */
export function postCadre(post: { cadreId: number; role: Role; startDate: string }): Effect {
  const field = post.role === "FIRST_SECRETARY" ? "firstSecretary" : "workTeam";
  return {
    fields: [field],
    async apply(tx, village) {
      const villageId = village.id as number;
      const current = await tx
        .select()
        .from(cadreVillageAssignments)
        .where(and(eq(cadreVillageAssignments.villageId, villageId), isNull(cadreVillageAssignments.endDate)));
      if (current.some((a) => a.cadreId === post.cadreId && a.role === post.role)) return [];
      const replaced = current.filter((a) => a.role === "FIRST_SECRETARY" && post.role === "FIRST_SECRETARY");
      const later = replaced.find((previous) => previous.startDate > post.startDate);
      if (later) {
        return {
          invalid: {
            path: ["startedOn"],
            code: "INCONSISTENT",
            message: `The current first secretary started on ${later.startDate}: the new one cannot start before that.`,
          },
        };
      }
      for (const previous of replaced) {
        await tx
          .update(cadreVillageAssignments)
          .set({ endDate: post.startDate })
          .where(eq(cadreVillageAssignments.id, previous.id));
      }
      await tx.insert(cadreVillageAssignments).values({ ...post, villageId });
      return [
        {
          field,
          oldValue: replaced.map((a) => toGlobalId("Cadre", a.cadreId)),
          newValue: { cadre: toGlobalId("Cadre", post.cadreId), startDate: post.startDate },
        },
      ];
    },
  };
}

/** Pairs an agency with the locked village; a current pairing of the same kind is no change. */
export function pairAgency(pairing: {
  agencyId: number;
  kind: (typeof agencyVillageAssignments.kind.enumValues)[number];
  startDate: string;
}): Effect {
  return {
    fields: ["agencies"],
    async apply(tx, village) {
      const villageId = village.id as number;
      const current = await tx
        .select({ id: agencyVillageAssignments.id })
        .from(agencyVillageAssignments)
        .where(
          and(
            eq(agencyVillageAssignments.villageId, villageId),
            eq(agencyVillageAssignments.agencyId, pairing.agencyId),
            eq(agencyVillageAssignments.kind, pairing.kind),
            isNull(agencyVillageAssignments.endDate),
          ),
        );
      if (current.length) return [];
      await tx.insert(agencyVillageAssignments).values({ ...pairing, villageId });
      return [
        {
          field: "agencies",
          newValue: {
            agency: toGlobalId("Agency", pairing.agencyId),
            kind: pairing.kind,
            startDate: pairing.startDate,
          },
        },
      ];
    },
  };
}
