import { and, asc, getTableName, sql, type Query, type SQL } from "drizzle-orm";
import { regions } from "../db/schema.js";
import { regionConditions, type RegionFilter } from "../modules/regions/region.repository.js";
import { MAX_REGIONS, normaliseRegionCode } from "../modules/regions/region.service.js";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Context } from "../context.js";
import { householdConditions, householdListing } from "../modules/households/household.repository.js";
import { validateHouseholdFilter } from "../modules/households/household.service.js";
import type { HouseholdFilter } from "../modules/households/household.input.js";
import { villageConditions, villageListing } from "../modules/villages/village.repository.js";
import type { VillageFilter } from "../modules/villages/village.input.js";
import { decodeId } from "../shared/global-id.js";
import { decodeCursor, keyset, pageRequest, type Ordering, type PageArgs } from "../shared/pagination.js";
import { assertRegionPrefix } from "../shared/region-code.js";
import { factLabels, factsColumn, levelFacts, pageLevel, readFacts, sumComponents } from "./facts-sql.js";
import { base64url, columnList, neededColumns, objectRow } from "./object-sql.js";
import type { ObjectShape } from "./shape.js";
import { columnsOf, RELATIONS, SOURCES } from "./sources.js";

/**
 * The root fields a plan compiles, each as its resolver answers it: the same listing (orders,
 * cursors), the same filter conditions and checks, the same scope. Arguments a resolver would refuse
 * (a bad cursor, a page too large, a malformed region code) are not the compiler's to answer: the
 * root field then runs on its resolver, which answers the error as it always has.
 */
export interface ConnectionSpec {
  node: string;
  orderings: readonly Ordering<unknown>[];
  conditions(ctx: Context, filter: Record<string, unknown>): (SQL | undefined)[];
  check(filter: Record<string, unknown>): void;
}

export const CONNECTIONS: Record<string, ConnectionSpec> = {
  households: {
    node: "Household",
    orderings: householdListing.orderings as readonly Ordering<unknown>[],
    conditions: (ctx, filter) => householdConditions(ctx, filter as HouseholdFilter),
    check: (filter) => validateHouseholdFilter(filter as HouseholdFilter),
  },
  villages: {
    node: "Village",
    orderings: villageListing.orderings as readonly Ordering<unknown>[],
    conditions: (ctx, filter) => villageConditions(ctx, filter as VillageFilter),
    check: (filter) => {
      if (typeof filter.regionCode === "string" && filter.regionCode) assertRegionPrefix(filter.regionCode);
    },
  },
};

/** Bounded lists (no connection): their rows in one order, at most `limit`. */
export interface ListSpec {
  node: string;
  limit: number;
  orderBy: SQL[];
  conditions(ctx: Context, args: Record<string, unknown>): (SQL | undefined)[];
  check(args: Record<string, unknown>): void;
}

export const LISTS: Record<string, ListSpec> = {
  regions: {
    node: "Region",
    limit: MAX_REGIONS,
    orderBy: [asc(regions.code)],
    conditions: (ctx, args) => regionConditions(ctx, (args.filter ?? {}) as RegionFilter),
    check(args) {
      const filter = (args.filter ?? {}) as RegionFilter;
      if (filter.regionCode) assertRegionPrefix(filter.regionCode);
      if (filter.parentCode) normaliseRegionCode(filter.parentCode);
    },
  },
};

export interface SingleSpec {
  node: string;
  /** The row key named by the arguments; throws for what the resolver answers otherwise. */
  key(args: Record<string, unknown>): number;
}

export const SINGLES: Record<string, SingleSpec> = {
  household: {
    node: "Household",
    key(args) {
      // A household as it stood on a date is rebuilt from its history by the resolver.
      if (args.asOf != null) throw new Error("asOf");
      return decodeId(args.id as string, "Household");
    },
  },
  village: { node: "Village", key: (args) => decodeId(args.id as string, "Village") },
};

export type PageInfoField = "hasNextPage" | "hasPreviousPage" | "startCursor" | "endCursor" | "__typename";
export type EdgeField =
  | { key: string; kind: "cursor" }
  | { key: string; kind: "typename"; value: string }
  | { key: string; kind: "node"; shape: ObjectShape };
export type ConnectionPart =
  | { key: string; kind: "typename"; value: string }
  | { key: string; kind: "totalCount" }
  | { key: string; kind: "pageInfo"; fields: { key: string; name: PageInfoField }[] }
  | { key: string; kind: "nodes"; shape: ObjectShape }
  | { key: string; kind: "edges"; fields: EdgeField[] };

/** A statement ready to run and what turns its one row into the root field's value. */
export interface Statement {
  query: SQL;
  /** The names of the columns of its one row: an answer with others is not this statement's. */
  columns: readonly string[];
  /** The query's text and parameters, once rendered (Database.rowsAsSent keeps them here). */
  rendered?: Query;
  /** The values of the query's placeholders, if it has any (a page after a cursor: the cursor's key values). */
  values?: Record<string, unknown>;
  finish(row: Record<string, unknown>): { value: unknown; households: number[] };
  /**
   * The root field's value as JSON text in pieces, PostgreSQL's own where it built them (the bytes
   * it sent, from `Database.rowsAsSent`, untouched by Node), with what the read audit records of
   * it: the personal fields carried and in how many objects.
   */
  text(row: Record<string, unknown>): { pieces: JsonPiece[]; households: number[]; personal: CompiledRead };
}

/** A piece of JSON text: a string, or bytes of UTF-8 as the database sent them. */
export type JsonPiece = string | Buffer;

/** A small value of a row read as text (rowsAsSent gives bytes on postgres.js, numbers on PGlite). */
function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return Buffer.isBuffer(value) ? value.toString("utf8") : String(value);
}

/** What the read audit records of a compiled answer it does not walk (audit.ts `personalRead`). */
export interface CompiledRead {
  fields: string[];
  records: number;
}

/** The facts of a statement's shapes (facts-sql.ts), or none when they carry no personal field. */
function factsOf(ctx: Context, shapes: readonly ObjectShape[]) {
  const policy = ctx.access.policy;
  const labels = policy ? factLabels(policy, shapes) : [];
  return { policy, labels, names: { next: 0 } };
}

const NO_PERSONAL: CompiledRead = { fields: [], records: 0 };

/** The cursor of a row in an ordering, as `encodeCursor` writes it: base64url of `{"o":…,"v":[…]}`. */
function cursorSql(ordering: Ordering<unknown>): SQL {
  return cursorOf(ordering, ordering.columns);
}

/** The cursor of the key values `values` (expressions, one per column of the ordering). */
function cursorOf(ordering: Ordering<unknown>, values: readonly (SQL | AnyPgColumn)[]): SQL {
  const texts = sql.join(
    values.map((v) => sql`to_json(${v})::text`),
    sql` || ',' || `,
  );
  return base64url(sql`${`{"o":${JSON.stringify(ordering.name)},"v":[`}::text || ${texts} || ']}'`);
}

/** Household ids whose member rows the resolvers would fetch (the read audit's household list). */
function auditedHouseholds(ctx: Context, shape: ObjectShape): SQL | null {
  const members = shape.fields.find((f) => f.kind === "relation" && f.field === "members");
  if (!members || members.kind !== "relation") return null;
  const source = SOURCES.Member!;
  const where = and(RELATIONS["Household.members"]!.join(shape.source.table), source.visible(ctx));
  return sql`EXISTS (SELECT 1 FROM ${source.table} WHERE ${where})`;
}

/** Shapes that read member rows: only as a direct relation of a household (so the audit can name them). */
export function membersReadable(shape: ObjectShape): boolean {
  return shape.fields.every(
    (f) =>
      f.kind !== "relation" ||
      ((f.field !== "members" || shape.source.type === "Household") &&
        f.shape.fields.every((g) => g.kind !== "relation" || g.relation.target !== "Member") &&
        membersReadable(f.shape)),
  );
}

/** A select list that keeps its columns' names (each given beside its alias), for `Statement.columns`. */
class Selects {
  readonly names: string[] = [];
  private readonly items: SQL[] = [];
  add(name: string, item: SQL): this {
    this.names.push(name);
    this.items.push(item);
    return this;
  }
  sql(): SQL {
    return sql.join(this.items, sql`, `);
  }
}

/** A WHERE clause that is never empty (drizzle's `and()` of nothing is nothing). */
const whereOf = (condition: SQL | undefined) => condition ?? sql`true`;

const parseJson = (text: unknown) => (text === null || text === undefined ? null : JSON.parse(text as string));

/** The ordering a connection's arguments name (its first when they name none or another). */
function orderingOf(spec: ConnectionSpec, args: Record<string, unknown>): Ordering<unknown> {
  return spec.orderings.find((o) => o.name === args.orderBy) ?? spec.orderings[0]!;
}

/**
 * The key values of a page's `after` cursor, as the placeholders of a statement built with
 * `afterCursor: "placeholders"` take them (`after0`, `after1`, …). The cursor is checked as the
 * resolver checks it (`pageRequest`): a bad one throws, and the resolver answers it.
 */
export function afterValues(spec: ConnectionSpec, args: Record<string, unknown>): Record<string, unknown> {
  const values = decodeCursor(args.after as string, orderingOf(spec, args), "after");
  return Object.fromEntries(values.map((v, i) => [`after${i}`, v]));
}

/**
 * A connection page's statement. With `afterCursor: "placeholders"`, the `after` cursor's key values
 * are placeholders (`afterValues` gives them): the statement is built and rendered once for every
 * page after a cursor with the same other arguments, each page sending only its own values.
 */
export function connectionStatement(
  ctx: Context,
  spec: ConnectionSpec,
  parts: readonly ConnectionPart[],
  args: Record<string, unknown>,
  afterCursor: "values" | "placeholders" = "values",
): Statement {
  const source = SOURCES[spec.node]!;
  const ordering = orderingOf(spec, args);
  const page = pageRequest(args as PageArgs, ordering, ctx.config.MAX_PAGE_SIZE);
  if (page.backwards) throw new Error("backwards pages run on the resolver");
  if (page.limit === 0) throw new Error("an empty page runs on the resolver");
  if (afterCursor === "placeholders" && (!page.after || page.before)) {
    throw new Error("cursor placeholders stand for `after` alone");
  }
  const filter = (args.filter ?? {}) as Record<string, unknown>;
  spec.check(filter);
  const condition = and(...spec.conditions(ctx, filter), ctx.access.rowCondition(spec.node, source.table));
  const after =
    afterCursor === "placeholders" ? ordering.columns.map((_, i) => sql.placeholder(`after${i}`)) : page.after;
  const { where, orderBy } = keyset(ordering, { ...page, after });
  const order = sql.join(orderBy, sql`, `);
  const n = page.limit;

  const shapes = parts.flatMap((p) =>
    p.kind === "nodes"
      ? [p.shape]
      : p.kind === "edges"
        ? p.fields.flatMap((f) => (f.kind === "node" ? [f.shape] : []))
        : [],
  );
  const inner = new Set<AnyPgColumn>(ordering.columns);
  for (const shape of shapes) for (const c of neededColumns(shape)) inner.add(c);
  for (const c of source.keys) inner.add(c);

  const cursor = cursorSql(ordering);
  // Each node shape's relations that read personal rows (and a household's members) joined once.
  const facts = factsOf(ctx, shapes);
  // The page's rows and their number, always qualified: a response key may name a column of an object's row (object-sql.ts).
  const alias = sql.identifier(getTableName(source.table));
  const rn = sql`${alias}.rn`;
  const only = sql`${rn} <= ${n}`;
  const levels = new Map(shapes.map((s) => [s, pageLevel(ctx, facts.policy, s, facts.labels, only, facts.names)]));
  // Each node shape's object as a row following the page's rows and their joins (object-sql.ts).
  const objects = new Map(shapes.map((s, i) => [s, objectRow(ctx, s, `xg_o${i}`, levels.get(s)!.values)]));
  const node = (shape: ObjectShape) => objects.get(shape)!;
  const selects = new Selects().add("fetched", sql`count(*)::int AS fetched`);
  parts.forEach((part, i) => {
    if (part.kind === "nodes") {
      selects.add(
        `p${i}`,
        sql`coalesce(json_agg(${node(part.shape).row} ORDER BY ${rn}) FILTER (WHERE ${only}), '[]'::json)::text AS ${sql.identifier(`p${i}`)}`,
      );
    } else if (part.kind === "edges") {
      const pairs = part.fields.map((f) =>
        f.kind === "cursor"
          ? sql`${f.key}::text, ${cursor}`
          : f.kind === "typename"
            ? sql`${f.key}::text, ${f.value}::text`
            : sql`${f.key}::text, ${node(f.shape).json}`,
      );
      selects.add(
        `p${i}`,
        sql`coalesce(json_agg(json_build_object(${sql.join(pairs, sql`, `)}) ORDER BY ${rn}) FILTER (WHERE ${only}), '[]'::json)::text AS ${sql.identifier(`p${i}`)}`,
      );
    } else if (part.kind === "totalCount") {
      selects.add("total", sql`(SELECT count(*)::int FROM ${source.table} WHERE ${whereOf(condition)}) AS total`);
    }
  });
  const pageInfo = parts.filter((p) => p.kind === "pageInfo").flatMap((p) => p.fields.map((f) => f.name));
  // The first row is the one numbered 1; the last one's key values are kept, its cursor built once.
  if (pageInfo.includes("startCursor"))
    selects.add("first", sql`(array_agg(${cursor}) FILTER (WHERE ${rn} = 1))[1] AS first`);
  if (pageInfo.includes("endCursor")) {
    const last = ordering.columns.map((c) => sql`(array_agg(${c} ORDER BY ${rn} DESC) FILTER (WHERE ${only}))[1]`);
    selects.add("last", sql`${cursorOf(ordering, last)} AS last`);
  }
  const audit = shapes.map((s) => levels.get(s)!.members).find(Boolean);
  if (audit) {
    selects.add(
      "audit",
      sql`coalesce(array_to_json(array_agg(${source.idColumn}) FILTER (WHERE ${only} AND ${audit})), '[]'::json)::text AS audit`,
    );
  }
  const joins: SQL[] = [];
  for (const level of levels.values()) joins.push(...level.joins);
  // After the joins: an object's values read the relations they bring.
  for (const object of objects.values()) joins.push(object.join);
  if (facts.policy && facts.labels.length) {
    selects.add("facts", factsColumn(sumComponents([...levels.values()].map((l) => l.components))));
  }
  const query = sql`SELECT ${selects.sql()} FROM (SELECT ${columnList([...inner])}, row_number() OVER (ORDER BY ${order}) AS rn FROM ${source.table} WHERE ${whereOf(and(condition, ...where))} ORDER BY ${order} LIMIT ${n + 1}) AS ${alias}${sql.join(joins, sql``)}`;

  const pageInfoOf = (row: Record<string, unknown>, fields: { key: string; name: PageInfoField }[]) => {
    const info: Record<string, unknown> = {};
    for (const f of fields) {
      info[f.key] =
        f.name === "hasNextPage"
          ? Number(row.fetched) > n
          : f.name === "hasPreviousPage"
            ? page.after !== null
            : f.name === "startCursor"
              ? (row.first ?? null)
              : f.name === "endCursor"
                ? (row.last ?? null)
                : "PageInfo";
    }
    return info;
  };

  return {
    query,
    columns: selects.names,
    text(row) {
      const pieces: JsonPiece[] = [];
      let open = "{";
      parts.forEach((part, i) => {
        const key = `${open}${JSON.stringify(part.key)}:`;
        open = ",";
        if (part.kind === "nodes" || part.kind === "edges") {
          pieces.push(key, row[`p${i}`] as JsonPiece);
          return;
        }
        const value =
          part.kind === "typename"
            ? JSON.stringify(part.value)
            : part.kind === "totalCount"
              ? String(Number(textOf(row.total)))
              : JSON.stringify(
                  pageInfoOf(
                    { fetched: textOf(row.fetched), first: textOf(row.first), last: textOf(row.last) },
                    part.fields,
                  ),
                );
        pieces.push(key + value);
      });
      pieces.push(parts.length ? "}" : "{}");
      return {
        pieces,
        households: audit ? (parseJson(textOf(row.audit)) as number[]) : [],
        personal: facts.labels.length ? readFacts(facts.labels, textOf(row.facts)) : NO_PERSONAL,
      };
    },
    finish(row) {
      const value: Record<string, unknown> = {};
      parts.forEach((part, i) => {
        if (part.kind === "typename") value[part.key] = part.value;
        else if (part.kind === "totalCount") value[part.key] = Number(row.total);
        else if (part.kind === "nodes" || part.kind === "edges") value[part.key] = JSON.parse(row[`p${i}`] as string);
        else value[part.key] = pageInfoOf(row, part.fields);
      });
      return { value, households: audit ? (parseJson(row.audit) as number[]) : [] };
    },
  };
}

export function singleStatement(
  ctx: Context,
  spec: SingleSpec,
  shape: ObjectShape,
  args: Record<string, unknown>,
): Statement {
  const source = SOURCES[spec.node]!;
  const key = spec.key(args);
  const where = and(sql`${columnsOf(source).id!} = ${key}`, source.visible(ctx));
  const audit = auditedHouseholds(ctx, shape);
  const object = objectRow(ctx, shape, "xg_o");
  const selects = new Selects().add(
    "r",
    sql`(SELECT ${object.json} FROM ${source.table}${object.join} WHERE ${where})::text AS r`,
  );
  if (audit) {
    selects.add(
      "audit",
      sql`(SELECT array_to_json(array_agg(${source.idColumn})) FROM ${source.table} WHERE ${and(where, audit)})::text AS audit`,
    );
  }
  const facts = factsOf(ctx, [shape]);
  if (facts.policy && facts.labels.length) {
    const rows = sql`(SELECT ${columnList(neededColumns(shape))} FROM ${source.table} WHERE ${where}) AS ${sql.identifier(getTableName(source.table))}`;
    selects.add("facts", factsSubquery(rows, levelFacts(ctx, facts.policy, shape, facts.labels, null, facts.names)));
  }
  const households = (row: Record<string, unknown>) => (audit ? ((parseJson(row.audit) as number[]) ?? []) : []);
  return {
    query: sql`SELECT ${selects.sql()}`,
    columns: selects.names,
    finish: (row) => ({ value: parseJson(row.r), households: households(row) }),
    text: (row) => ({
      pieces: [(row.r as JsonPiece | null) ?? "null"],
      households: audit ? ((parseJson(textOf(row.audit)) as number[]) ?? []) : [],
      personal: facts.labels.length ? readFacts(facts.labels, textOf(row.facts)) : NO_PERSONAL,
    }),
  };
}

export function listStatement(
  ctx: Context,
  spec: ListSpec,
  shape: ObjectShape,
  args: Record<string, unknown>,
): Statement {
  spec.check(args);
  const source = SOURCES[spec.node]!;
  const condition = and(...spec.conditions(ctx, args), ctx.access.rowCondition(spec.node, source.table));
  const order = sql.join(spec.orderBy, sql`, `);
  const alias = sql.identifier(getTableName(source.table));
  const rows = sql`(SELECT ${columnList(
    neededColumns(shape),
  )} FROM ${source.table} WHERE ${whereOf(condition)} ORDER BY ${order} LIMIT ${spec.limit}) AS ${alias}`;
  const object = objectRow(ctx, shape, "xg_o");
  const selects = new Selects().add(
    "r",
    sql`coalesce(json_agg(${object.row} ORDER BY ${order}), '[]'::json)::text AS r`,
  );
  const facts = factsOf(ctx, [shape]);
  if (facts.policy && facts.labels.length) {
    selects.add("facts", factsSubquery(rows, levelFacts(ctx, facts.policy, shape, facts.labels, null, facts.names)));
  }
  const query = sql`SELECT ${selects.sql()} FROM ${rows}${object.join}`;
  return {
    query,
    columns: selects.names,
    finish: (row) => ({ value: JSON.parse(row.r as string), households: [] }),
    text: (row) => ({
      pieces: [row.r as JsonPiece],
      households: [],
      personal: facts.labels.length ? readFacts(facts.labels, textOf(row.facts)) : NO_PERSONAL,
    }),
  };
}

/** The facts of rows as a column of their own (a subquery over the same rows). */
function factsSubquery(rows: SQL, level: { components: SQL[]; joins: SQL[] }): SQL {
  return sql`(SELECT json_build_array(${sql.join(level.components, sql`, `)}) FROM ${rows}${sql.join(level.joins, sql``)})::text AS facts`;
}
