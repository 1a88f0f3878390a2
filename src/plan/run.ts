import type { DocumentNode, ExecutionResult } from "graphql";
import type { ReadCollector } from "../access/audit.js";
import type { Context } from "../context.js";
import { onlyRow } from "../db/answers.js";
import { databaseFailure } from "../db/failures.js";
import { statementFor, withRootFields, type Plan } from "./planner.js";
import type { CompiledRead, Statement } from "./roots.js";

/** Executes a document on the resolvers (the executor), identified by a cache key. */
export type ResolverRun = (document: DocumentNode, cacheKey: string) => Promise<ExecutionResult>;

/**
 * Runs a plan: each compiled root field as its one statement, the others together on the
 * resolvers, at the same time; the answer keeps the operation's root keys in order. The households
 * whose personal rows a statement read go to the read audit's collector, as the repositories note them.
 *
 * When the request's response is written by the HTTP layer (`ctx.passThrough`), a compiled root
 * field's value is PostgreSQL's JSON text, held for the response under a placeholder: Node neither
 * parses nor serialises it, and the audit's facts of it (personal fields, records) come from the
 * same statement instead of a walk over parsed data.
 */
export async function runPlan(
  plan: Plan,
  ctx: Context,
  variables: Record<string, unknown>,
  collector: ReadCollector,
  cacheKey: string,
  resolvers: ResolverRun,
): Promise<ExecutionResult> {
  // Without a policy (the system principal, unrestricted benchmarks) nothing is masked or scoped: resolvers.
  if (!ctx.access.policy) return resolvers(plan.document, cacheKey);
  const statements = new Map<string, Statement>();
  const onResolvers = new Set<string>();
  for (const root of plan.roots) {
    if (root.kind === "fallback") {
      onResolvers.add(root.key);
      continue;
    }
    try {
      statements.set(root.key, statementFor(ctx, root, variables));
    } catch {
      // Arguments the resolver refuses or treats apart: it answers them, errors included.
      onResolvers.add(root.key);
    }
  }
  if (!statements.size) return resolvers(plan.document, cacheKey);

  const viaResolvers = () => {
    const keys = [...onResolvers].sort();
    return resolvers(withRootFields(plan, onResolvers), `${cacheKey}\u0000resolvers:${keys.join(",")}`);
  };
  const pass = ctx.passThrough;
  const compiled = [...statements].map(async ([key, statement]) => {
    if (!pass) {
      const row = onlyRow(await ctx.database.rows(statement), statement.columns);
      return [key, { ...statement.finish(row), personal: null as CompiledRead | null }] as const;
    }
    const row = onlyRow(await ctx.database.rowsAsSent(statement), statement.columns);
    const { pieces, households, personal } = statement.text(row);
    return [
      key,
      { value: pass.hold(pieces) as unknown, households, personal: personal as CompiledRead | null },
    ] as const;
  });
  let answers, rest;
  try {
    [answers, rest] = await Promise.all([
      Promise.all(compiled),
      onResolvers.size ? viaResolvers() : Promise.resolve(null),
    ]);
  } catch (error) {
    // The database gone, out of time or the request stopped: the resolvers meet the same failure
    // and answer it as they always have, field by field. Any other failure is a bug of the plan.
    if (databaseFailure(error) === null) throw error;
    return resolvers(plan.document, cacheKey);
  }
  const values = new Map<string, unknown>();
  for (const [key, answer] of answers) {
    values.set(key, answer.value);
    for (const id of answer.households) collector.households.add(id);
    if (answer.personal) collector.addCompiled(answer.personal.fields, answer.personal.records);
  }
  if (rest && (rest.data === null || rest.data === undefined)) return rest;
  const data: Record<string, unknown> = {};
  for (const root of plan.roots) data[root.key] = values.has(root.key) ? values.get(root.key) : rest!.data![root.key];
  return rest?.errors?.length ? { ...rest, data } : { data };
}
