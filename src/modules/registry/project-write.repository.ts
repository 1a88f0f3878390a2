import { and, eq, inArray } from "drizzle-orm";
import type { Context } from "../../context.js";
import { agencies, projectBeneficiaries, projectCoAgencies, projectFunds, projects } from "../../db/schema.js";
import { bumpVersion, lockRow, type TxState } from "./registry.repository.js";

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

/** A project with its co-agencies, funds and beneficiaries, in one transaction. */
export function insertProject(
  ctx: Context,
  project: NewProject,
  links: { coAgencyIds: number[]; funds: Fund[]; beneficiaryIds: number[] },
): Promise<number> {
  return ctx.db.transaction(async (tx) => {
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
  });
}

export interface ProjectChanges {
  set: Partial<NewProject>;
  funds: Fund[] | null;
  addBeneficiaryIds: number[];
  removeBeneficiaryIds: number[];
  /** Checked against the locked row merged with the changes: the first problem, if any. */
  check: (
    current: Record<string, unknown>,
    merged: Record<string, unknown>,
  ) => { field: string; code: string; message: string } | null;
}

const sameFunds = (a: Fund[], b: Fund[]) => {
  const key = (funds: Fund[]) =>
    JSON.stringify(
      [...funds].map((f) => [f.source, Number(f.amount)]).sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );
  return key(a) === key(b);
};

/** Locks the project (in scope), checks its version, applies what differs and bumps the version once. */
export function updateProjectRow(ctx: Context, id: number, version: number, changes: ProjectChanges): Promise<TxState> {
  return ctx.db.transaction(async (tx) => {
    const current = await lockRow(tx, projects, id, ctx.access.scope(projects.regionCode));
    if (!current) return { kind: "missing" } as const;
    if (current.version !== version) return { kind: "conflict", currentVersion: current.version as number };
    const problem = changes.check(current, { ...current, ...changes.set });
    if (problem) return { kind: "invalid", ...problem };
    const set = Object.fromEntries(
      Object.entries(changes.set).filter(([key, value]) => (current[key] ?? null) !== (value ?? null)),
    );
    let changed = Object.keys(set).length > 0;
    if (changes.funds) {
      const funds = await tx.select().from(projectFunds).where(eq(projectFunds.projectId, id));
      if (!sameFunds(funds, changes.funds)) {
        changed = true;
        await tx.delete(projectFunds).where(eq(projectFunds.projectId, id));
        if (changes.funds.length) {
          await tx
            .insert(projectFunds)
            .values(changes.funds.map((f) => ({ projectId: id, source: f.source as Source, amount: f.amount })));
        }
      }
    }
    if (changes.addBeneficiaryIds.length) {
      const added = await tx
        .insert(projectBeneficiaries)
        .values(changes.addBeneficiaryIds.map((householdId) => ({ projectId: id, householdId })))
        .onConflictDoNothing()
        .returning({ id: projectBeneficiaries.householdId });
      changed ||= added.length > 0;
    }
    if (changes.removeBeneficiaryIds.length) {
      const removed = await tx
        .delete(projectBeneficiaries)
        .where(
          and(
            eq(projectBeneficiaries.projectId, id),
            inArray(projectBeneficiaries.householdId, changes.removeBeneficiaryIds),
          ),
        )
        .returning({ id: projectBeneficiaries.householdId });
      changed ||= removed.length > 0;
    }
    if (!changed) return { kind: "unchanged" } as const;
    await bumpVersion(tx, projects, id, set);
    return { kind: "applied", id };
  });
}
