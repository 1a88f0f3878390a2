import { and, getTableName, sql, type SQL } from "drizzle-orm";
import {
  getArgumentValues,
  getNamedType,
  GraphQLError,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import type { DepartmentPolicy } from "../access/compile.js";
import type { Context } from "../context.js";
import { members } from "../db/schema.js";
import { memberConditions, memberListing } from "../modules/households/member.repository.js";
import { birthDatesForAges } from "../modules/households/member.service.js";
import type { MemberFilter } from "../modules/households/member.input.js";
import { columnList, neededColumns, objectSql } from "../plan/object-sql.js";
import { resolvedFields } from "../plan/planner.js";
import { CONNECTIONS, membersReadable, type ConnectionSpec } from "../plan/roots.js";
import { CannotCompile, objectShape, type ObjectField, type ObjectShape } from "../plan/shape.js";
import { SOURCES } from "../plan/sources.js";
import { keyset, pageRequest, type Ordering } from "../shared/pagination.js";
import { assertRegionPrefix } from "../shared/region-code.js";

/**
 * An export's rows after its first page as one statement that PostgreSQL answers row by row, each
 * row already the node's JSON text — built by the compiled read path (src/plan), so with the same
 * masks, scope and `rows:` rules as a query's page — beside what the audit needs of it (the
 * household it reads, how many personal records it holds) and its ordering key for resume tokens.
 * The server passes the text through: no row is parsed or serialised in Node.
 */
export interface BulkRows {
  /** Rows `{ j: json text, k: key values as JSON array items, h: household id | null, n: personal records }`. */
  query: SQL;
  /** The cursor (as a page's endCursor) of the row whose key text is `k`. */
  cursorOf(k: string): string;
  /** The personal fields the selection reads (Type.field), recorded once any row holds personal records. */
  personalFields: string[];
}

export interface BulkRow {
  j: string;
  k: string;
  h: number | null;
  n: number;
}

/** The members connection (the compiled read path answers households and villages, src/plan/roots.ts). */
const MEMBERS: ConnectionSpec = {
  node: "Member",
  orderings: memberListing.orderings as readonly Ordering<unknown>[],
  conditions: (ctx, filter) => {
    const f = filter as MemberFilter;
    const born = f.ageRange ? birthDatesForAges(f.ageRange.from, f.ageRange.to) : {};
    return memberConditions(ctx, f, born);
  },
  check: (filter) => {
    if (typeof filter.regionCode === "string" && filter.regionCode) assertRegionPrefix(filter.regionCode);
  },
};

const EXPORTABLE: Record<string, ConnectionSpec> = { ...CONNECTIONS, members: MEMBERS };

type RelationField = Extract<ObjectField, { kind: "relation" }>;

let resolved: ReturnType<typeof resolvedFields> | undefined;

/**
 * The rows of the admitted page document's connection after cursor `after` (null: from the start),
 * or null when the compiled read path cannot build them (the export then walks its pages).
 */
export function bulkRows(
  ctx: Context,
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  after: string | null,
): BulkRows | null {
  const policy = ctx.access.policy;
  // Without a policy (the system principal) nothing is masked or scoped: the resolvers answer.
  if (!policy) return null;
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const root = operation?.selectionSet.selections[0];
  if (!operation || root?.kind !== Kind.FIELD || operation.selectionSet.selections.length !== 1) return null;
  const spec = EXPORTABLE[root.name.value];
  const field = schema.getQueryType()?.getFields()[root.name.value];
  const nodeType = schema.getType(spec?.node ?? "");
  const nodes = root.selectionSet?.selections.find(
    (s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === "nodes",
  );
  if (!spec || !field || !isObjectType(nodeType) || !nodes?.selectionSet) return null;
  if (root.directives?.length || getNamedType(field.type).name !== `${spec.node}Connection`) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  let shape: ObjectShape;
  let args: Record<string, unknown>;
  try {
    resolved ??= resolvedFields();
    shape = objectShape({ schema, policy, fragments, resolved }, nodeType, [nodes.selectionSet]);
    if (!membersReadable(shape)) return null;
    args = getArgumentValues(field, root, variables);
    spec.check((args.filter ?? {}) as Record<string, unknown>);
  } catch (error) {
    // A selection the compiler cannot build, or arguments the resolver refuses: the page walk
    // answers them as a query would.
    if (error instanceof CannotCompile || error instanceof GraphQLError) return null;
    throw error;
  }
  const source = SOURCES[spec.node]!;
  const ordering = spec.orderings.find((o) => o.name === args.orderBy) ?? spec.orderings[0]!;
  const page = pageRequest({ first: 1, after }, ordering, Number.MAX_SAFE_INTEGER);
  const { where, orderBy } = keyset(ordering, page);
  const filter = (args.filter ?? {}) as Record<string, unknown>;
  const condition = and(...spec.conditions(ctx, filter), ctx.access.rowCondition(spec.node, source.table), ...where);
  const key = sql.join(
    ordering.columns.map((c) => sql`to_json(${c})::text`),
    sql` || ',' || `,
  );
  const { joins, values, households, records } = lateralRelations(ctx, policy, shape);
  const h = households ?? (spec.node === "Member" ? sql`${members.householdId}` : sql`NULL::int`);
  const n = sql.join([ownRecords(policy, shape), ...records], sql` + `);
  const query = sql`SELECT ${objectSql(ctx, shape, values)}::text AS j, ${key} AS k, ${h} AS h, (${n})::int AS n FROM ${
    source.table
  }${sql.join(joins, sql``)} WHERE ${condition ?? sql`true`} ORDER BY ${sql.join(orderBy, sql`, `)}`;
  return {
    query,
    // encodeCursor's JSON.stringify of the same values: to_json renders them alike (as src/plan's cursors).
    cursorOf: (k) => Buffer.from(`{"o":${JSON.stringify(ordering.name)},"v":[${k}]}`).toString("base64url"),
    personalFields: personalFields(policy, shape),
  };
}

/** Whether a field of the shape is personal data (the read audit's rule). */
function personal(policy: DepartmentPolicy, type: string, field: string): boolean {
  return policy.rule(type, field)?.personal === true;
}

/** 1 when one of the row's own personal values is not null (`personalRead` counts the object then), else 0. */
function ownRecords(policy: DepartmentPolicy, shape: ObjectShape): SQL {
  const type = shape.source.type;
  const own = shape.fields.flatMap((f) =>
    f.kind === "column" && personal(policy, type, f.field)
      ? [sql`${f.column} IS NOT NULL`]
      : f.kind === "id" && personal(policy, type, "id")
        ? [sql`true`]
        : [],
  );
  return own.length ? sql`(CASE WHEN ${sql.join(own, sql` OR `)} THEN 1 ELSE 0 END)` : sql`0`;
}

/** The related rows of a relation field, as its resolver reads them (order and bound of a list). */
function relatedRows(ctx: Context, parent: ObjectShape, field: RelationField): SQL {
  const { table } = field.shape.source;
  const where = and(field.relation.join(parent.source.table), field.shape.source.visible(ctx));
  if (!field.relation.list) return sql`${table} WHERE ${where}`;
  const order = sql.join(field.relation.orderBy ?? [], sql`, `);
  const limit = field.relation.limit !== undefined ? sql` LIMIT ${field.relation.limit}` : sql``;
  return sql`(SELECT ${columnList(neededColumns(field.shape))} FROM ${table} WHERE ${where} ORDER BY ${order}${limit}) AS ${sql.identifier(getTableName(table))}`;
}

/**
 * The node's relations that read personal rows, each joined once (LEFT JOIN LATERAL) to give its
 * JSON value, its row count and its personal records together: the members of a household are
 * read once per row, not once for the JSON and again for the audit.
 */
function lateralRelations(ctx: Context, policy: DepartmentPolicy, shape: ObjectShape) {
  const joins: SQL[] = [];
  const values = new Map<string, SQL>();
  const records: SQL[] = [];
  let households: SQL | null = null;
  shape.fields.forEach((f, i) => {
    if (f.kind !== "relation") return;
    const members = shape.source.type === "Household" && f.field === "members";
    if (!members && !personalFields(policy, f.shape).length) return;
    const alias = sql.identifier(`xg_r${i}`);
    const inner = nestedRecords(ctx, policy, f.shape);
    // A list aggregates in its rows' order (relatedRows' ORDER BY, LIMIT): no second sort.
    const value = f.relation.list
      ? sql`coalesce(json_agg(${objectSql(ctx, f.shape)}), '[]'::json)`
      : sql`${objectSql(ctx, f.shape)}`;
    const aggregate = f.relation.list
      ? sql`${value} AS j, count(*)::int AS c, coalesce(sum(${inner}), 0)::int AS n`
      : sql`${value} AS j, 1 AS c, ${inner} AS n`;
    joins.push(sql` LEFT JOIN LATERAL (SELECT ${aggregate} FROM ${relatedRows(ctx, shape, f)}) AS ${alias} ON true`);
    values.set(f.key, sql`${alias}.j`);
    records.push(sql`coalesce(${alias}.n, 0)`);
    // The households whose member rows were read (the repositories note them so).
    if (members) households = sql`CASE WHEN ${alias}.c > 0 THEN ${shape.source.idColumn} END`;
  });
  return { joins, values, households, records };
}

/** A related row's personal records: its own, and those of its relations (correlated, at any depth). */
function nestedRecords(ctx: Context, policy: DepartmentPolicy, shape: ObjectShape): SQL {
  const terms = [ownRecords(policy, shape)];
  for (const f of shape.fields) {
    if (f.kind !== "relation" || !personalFields(policy, f.shape).length) continue;
    const inner = nestedRecords(ctx, policy, f.shape);
    terms.push(
      f.relation.list
        ? sql`coalesce((SELECT sum(${inner}) FROM ${relatedRows(ctx, shape, f)}), 0)`
        : sql`coalesce((SELECT ${inner} FROM ${relatedRows(ctx, shape, f)}), 0)`,
    );
  }
  return sql`(${sql.join(terms, sql` + `)})`;
}

/** The personal fields a shape selects, at any depth. */
function personalFields(policy: DepartmentPolicy, shape: ObjectShape): string[] {
  const type = shape.source.type;
  return shape.fields.flatMap((f) =>
    f.kind === "column" && personal(policy, type, f.field)
      ? [`${type}.${f.field}`]
      : f.kind === "id" && personal(policy, type, "id")
        ? [`${type}.id`]
        : f.kind === "relation"
          ? personalFields(policy, f.shape)
          : [],
  );
}
