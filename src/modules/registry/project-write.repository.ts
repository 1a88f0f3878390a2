import { and, eq, inArray } from "drizzle-orm";
import type { Context } from "../../context.js";
import type { Drizzle } from "../../db/client.js";
import { agencies, projectBeneficiaries, projectCoAgencies, projectFunds, projects } from "../../db/schema.js";
import type { Effect } from "../../writes/engine.js";

type NewProject = typeof projects.$inferInsert;
type Fund = { source: string; amount: number };
type Source = (typeof projectFunds.source.enumValues)[number];

export async function projectCodeTaken(ctx: Context, code: string): Promise<boolean> {
  return (await ctx.db.select({ id: projects.id }).from(projects).where(eq(projects.code, code))).length > 0;
}

/** Which of these agency ids exist (agencies are not region-keyed). */
export async function existingAgencyIds(ctx: Context, ids: number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await ctx.db.select({ id: agencies.id }).from(agencies).where(inArray(agencies.id, ids));
  return new Set(rows.map((r) => r.id));
}

/** A project with its co-agencies, funds and beneficiaries. */
export function insertProject(
  project: NewProject,
  links: { coAgencyIds: number[]; funds: Fund[]; beneficiaryIds: number[] },
) {
  return async (tx: Drizzle): Promise<number> => {
    const [row] = await tx.insert(projects).values(project).returning({ id: projects.id });
    const projectId = row!.id;
    if (links.coAgencyIds.length) {
      await tx.insert(projectCoAgencies).values(links.coAgencyIds.map((agencyId) => ({ projectId, agencyId })));
    }
    if (links.funds.length) {
      await tx
        .insert(projectFunds)
        .values(links.funds.map((f) => ({ projectId, source: f.source as Source, amount: f.amount })));
    }
    if (links.beneficiaryIds.length) {
      await tx
        .insert(projectBeneficiaries)
        .values(links.beneficiaryIds.map((householdId) => ({ projectId, householdId })));
    }
    return projectId;
  };
}

const fundsKey = (funds: Fund[]) =>
  JSON.stringify(
    [...funds].map((f) => [f.source, Number(f.amount)]).sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
  );

/** The project's funds replaced by these, when they differ (each source once). */
export function replaceFunds(funds: Fund[]): Effect {
  return {
    fields: ["funds"],
    async apply(tx, project) {
      const id = project.id as number;
      const current = await tx.select().from(projectFunds).where(eq(projectFunds.projectId, id));
      if (fundsKey(current) === fundsKey(funds)) return [];
      await tx.delete(projectFunds).where(eq(projectFunds.projectId, id));
      if (funds.length) {
        await tx
          .insert(projectFunds)
          .values(funds.map((f) => ({ projectId: id, source: f.source as Source, amount: f.amount })));
      }
      return [{ field: "funds", oldValue: current, newValue: funds }];
    },
  };
}

/** Households added to and removed from the project's beneficiaries (a link present or absent is no change). */
export function changeBeneficiaries(add: number[], remove: number[]): Effect {
  return {
    fields: ["beneficiaries"],
    async apply(tx, project) {
      const id = project.id as number;
      const added = add.length
        ? await tx
            .insert(projectBeneficiaries)
            .values(add.map((householdId) => ({ projectId: id, householdId })))
            .onConflictDoNothing()
            .returning({ id: projectBeneficiaries.householdId })
        : [];
      const removed = remove.length
        ? await tx
            .delete(projectBeneficiaries)
            .where(and(eq(projectBeneficiaries.projectId, id), inArray(projectBeneficiaries.householdId, remove)))
            .returning({ id: projectBeneficiaries.householdId })
        : [];
      return added.length || removed.length
        ? [{ field: "beneficiaries", oldValue: removed.map((r) => r.id), newValue: added.map((r) => r.id) }]
        : [];
    },
  };
}
