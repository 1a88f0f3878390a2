import { and, getTableName, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { DepartmentPolicy } from "../access/compile.js";
import type { Context } from "../context.js";
import { columnList, neededColumns, objectRow } from "./object-sql.js";
import type { ObjectShape } from "./shape.js";
import type { Relation } from "./sources.js";

/**
 * What the read audit records of a compiled root field (audit.ts `personalRead`), counted by
 * PostgreSQL in the statement that builds its JSON, so that the JSON can go to the client as text:
 * which personal fields the answer carries with a value, and in how many objects. The counts follow
 * the answer's objects exactly: a row of a relation asked twice (two aliases) is two objects.
 *
 * Every level of the selection yields one integer array `[records, label 1, label 2, …]` over the
 * labels of the whole selection; a relation below a level is a lateral subquery of the same rows
 * (join, scope, order, bound) as the JSON's, summed into its parent's array.
 */
export interface Facts {
  /** `Type.field` of every personal leaf field the selection can carry, sorted. */
  labels: string[];
}

/** A `Type.field` label per personal leaf of a shape (not below it), with the column carrying it. */
function ownPersonal(policy: DepartmentPolicy, shape: ObjectShape): { label: string; column: AnyPgColumn | null }[] {
  const out: { label: string; column: AnyPgColumn | null }[] = [];
  for (const f of shape.fields) {
    if (f.kind !== "column" && f.kind !== "id") continue;
    const name = f.kind === "column" ? f.field : "id";
    if (!policy.rule(shape.source.type, name)?.personal) continue;
    // The id is never null: the row itself carries it.
    out.push({ label: `${shape.source.type}.${name}`, column: f.kind === "column" ? f.column : null });
  }
  return out;
}

function hasPersonal(policy: DepartmentPolicy, shape: ObjectShape): boolean {
  return (
    ownPersonal(policy, shape).length > 0 ||
    shape.fields.some((f) => f.kind === "relation" && hasPersonal(policy, f.shape))
  );
}

/** The personal labels of shapes, sorted; empty when they carry none (no facts to count). */
export function factLabels(policy: DepartmentPolicy, shapes: readonly ObjectShape[]): string[] {
  const labels = new Set<string>();
  const walk = (shape: ObjectShape) => {
    for (const p of ownPersonal(policy, shape)) labels.add(p.label);
    for (const f of shape.fields) if (f.kind === "relation") walk(f.shape);
  };
  for (const shape of shapes) walk(shape);
  return [...labels].sort();
}

const int = (e: SQL) => sql`(${e})::int`;

/**
 * The facts of the rows of `shape` in scope under its table's name: the aggregate expressions
 * (one per array position) and the lateral joins they read, to be added after the rows' FROM.
 * `only` restricts which rows count (a page's look-ahead row does not).
 */
export function levelFacts(
  ctx: Context,
  policy: DepartmentPolicy,
  shape: ObjectShape,
  labels: readonly string[],
  only: SQL | null,
  names: { next: number },
): { components: SQL[]; joins: SQL[] } {
  const filter = only ? sql` FILTER (WHERE ${only})` : sql``;
  const own = ownPersonal(policy, shape);
  const present = own.map((p) => (p.column ? sql`${p.column} IS NOT NULL` : sql`true`));
  const components: SQL[] = [
    present.length
      ? sql`count(*) FILTER (WHERE ${only ? sql`${only} AND ` : sql``}(${sql.join(present, sql` OR `)}))`
      : sql`0`,
  ];
  for (const label of labels) {
    const mine = own.find((p) => p.label === label);
    components.push(mine ? (mine.column ? sql`count(${mine.column})${filter}` : sql`count(*)${filter}`) : sql`0`);
  }
  const joins: SQL[] = [];
  for (const f of shape.fields) {
    if (f.kind !== "relation" || !hasPersonal(policy, f.shape)) continue;
    const alias = sql.identifier(`xg_facts_${names.next++}`);
    joins.push(
      sql` LEFT JOIN LATERAL (${relationFacts(ctx, policy, f.relation, f.shape, labels, names)}) AS ${alias} ON true`,
    );
    components.forEach((c, i) => {
      components[i] = sql`${c} + coalesce(sum(${alias}.a[${sql.raw(String(i + 1))}])${filter}, 0)`;
    });
  }
  return { components: components.map(int), joins };
}

/** One row: the facts array of a relation's rows below the row of its parent in scope. */
function relationFacts(
  ctx: Context,
  policy: DepartmentPolicy,
  relation: Relation,
  shape: ObjectShape,
  labels: readonly string[],
  names: { next: number },
): SQL {
  const { components, joins } = levelFacts(ctx, policy, shape, labels, null, names);
  return sql`SELECT ARRAY[${sql.join(components, sql`, `)}] AS a FROM ${relationRows(ctx, relation, shape)}${sql.join(joins, sql``)}`;
}

/** Adds the facts arrays of several shapes over the same rows, position by position. */
export function sumComponents(lists: readonly SQL[][]): SQL[] {
  const [first, ...rest] = lists;
  if (!first) return [];
  return first.map((c, i) => rest.reduce((sum, list) => sql`${sum} + ${list[i]!}`, c));
}

/** The facts column: a JSON array text `[records, label counts…]`. */
export function factsColumn(components: SQL[]): SQL {
  return sql`json_build_array(${sql.join(components, sql`, `)})::text AS facts`;
}

/** Facts read back from their column: the labels carried with a value, and the records. */
export function readFacts(labels: readonly string[], text: unknown): { fields: string[]; records: number } {
  if (typeof text !== "string") return { fields: [], records: 0 };
  const counts = JSON.parse(text) as number[];
  return { fields: labels.filter((_, i) => (counts[i + 1] ?? 0) > 0), records: counts[0] ?? 0 };
}

/** The rows of a relation below its parent's row in scope, in the resolver's order and bound. */
function relationRows(ctx: Context, relation: Relation, shape: ObjectShape): SQL {
  const { table } = shape.source;
  const where = and(relation.join(table), shape.source.visible(ctx));
  const order =
    relation.list && relation.orderBy?.length ? sql` ORDER BY ${sql.join(relation.orderBy, sql`, `)}` : sql``;
  const limit = relation.list && relation.limit !== undefined ? sql` LIMIT ${relation.limit}` : sql``;
  return sql`(SELECT ${columnList(neededColumns(shape))} FROM ${table} WHERE ${where}${order}${limit}) AS ${sql.identifier(getTableName(table))}`;
}

/**
 * A page's rows of `shape` with the relations that read personal rows (and a household's members,
 * which the audit names) each joined once (LEFT JOIN LATERAL), giving together the relation's JSON
 * value, its row count and its facts: the related rows are read once per row, not once for the
 * JSON, again for the facts and again for the audit's household list.
 *
 * `values` are the JSON values of those relations for `objectRow`; `components` the facts of the
 * rows `only` admits (empty when `labels` is); `members` the row count of the first
 * `Household.members` relation (the audit's "this household's member rows were read").
 */
export function pageLevel(
  ctx: Context,
  policy: DepartmentPolicy | null,
  shape: ObjectShape,
  labels: readonly string[],
  only: SQL,
  names: { next: number },
): { values: Map<string, SQL>; joins: SQL[]; components: SQL[]; members: SQL | null } {
  const counting = policy !== null && labels.length > 0;
  const values = new Map<string, SQL>();
  const joins: SQL[] = [];
  let members: SQL | null = null;
  const laterals: SQL[] = [];
  for (const f of shape.fields) {
    if (f.kind !== "relation") continue;
    const isMembers = shape.source.type === "Household" && f.field === "members";
    const personal = counting && hasPersonal(policy, f.shape);
    if (!isMembers && !personal) continue;
    const alias = sql.identifier(`xg_r${names.next++}`);
    const inner = personal ? levelFacts(ctx, policy, f.shape, labels, null, names) : { components: [], joins: [] };
    // A list aggregates in its rows' order (the subquery's ORDER BY, LIMIT): no second sort.
    const object = objectRow(ctx, f.shape, "xg_o");
    const json = f.relation.list ? sql`json_agg(${object.row})` : sql`(array_agg(${object.json}))[1]`;
    const facts = personal ? sql`, ARRAY[${sql.join(inner.components, sql`, `)}] AS a` : sql``;
    joins.push(
      sql` LEFT JOIN LATERAL (SELECT ${json} AS j, count(*)::int AS c${facts} FROM ${relationRows(ctx, f.relation, f.shape)}${sql.join(inner.joins, sql``)}${object.join}) AS ${alias} ON true`,
    );
    values.set(f.key, f.relation.list ? sql`coalesce(${alias}.j, '[]'::json)` : sql`${alias}.j`);
    if (personal) laterals.push(sql`${alias}`);
    if (isMembers) members ??= sql`${alias}.c > 0`;
  }
  if (!counting) return { values, joins, components: [], members };
  const filter = sql` FILTER (WHERE ${only})`;
  const own = ownPersonal(policy, shape);
  const present = own.map((p) => (p.column ? sql`${p.column} IS NOT NULL` : sql`true`));
  const components: SQL[] = [
    present.length ? sql`count(*) FILTER (WHERE ${only} AND (${sql.join(present, sql` OR `)}))` : sql`0`,
  ];
  for (const label of labels) {
    const mine = own.find((p) => p.label === label);
    components.push(mine ? (mine.column ? sql`count(${mine.column})${filter}` : sql`count(*)${filter}`) : sql`0`);
  }
  for (const alias of laterals) {
    components.forEach((c, i) => {
      components[i] = sql`${c} + coalesce(sum(${alias}.a[${sql.raw(String(i + 1))}])${filter}, 0)`;
    });
  }
  return { values, joins, components: components.map(int), members };
}
