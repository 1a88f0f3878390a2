import { asc, desc, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { ArgsType, Field, Int, ObjectType, type ClassType } from "type-graphql";
import { BadUserInputError } from "./errors.js";
import { textProblem } from "./text.js";

/** Items in a page when the client names neither `first` nor `last` (the cost estimate counts the same). */
export const DEFAULT_PAGE_SIZE = 50;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: "Return the first N items after `after` (default 50)." })
  first?: number | null;

  @Field(() => String, { nullable: true, description: "Cursor of the item to start after." })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: "Return the last N items before `before`." })
  last?: number | null;

  @Field(() => String, { nullable: true, description: "Cursor of the item to end before." })
  before?: string | null;
}

@ObjectType({ description: "Where a page stands in the whole list (Relay cursor connections)." })
export class PageInfo {
  @Field(() => Boolean, { description: "More items follow this page." })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: "Items precede this page." })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: "Cursor of the first item of the page." })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: "Cursor of the last item of the page." })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  nodes: T[];
  readonly edges: Edge<T>[];
  pageInfo: PageInfo;
  readonly totalCount: Promise<number | null>;
}

/** Builds the `<Name>Connection` and `<Name>Edge` object types for a node type. */
export function connectionType<T extends object>(node: ClassType<T>, name: string, what: string) {
  @ObjectType(`${name}Edge`, { description: `One ${what} in a page, with its cursor.` })
  class EdgeType {
    @Field(() => String, { description: "Opaque cursor: pass it as `after` or `before`." })
    cursor!: string;

    @Field(() => node, { description: `The ${what}.` })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${what} items (keyset-paginated, stable order).` })
  class ConnectionType {
    @Field(() => [EdgeType], { description: "The page's items with their cursors." })
    edges!: EdgeType[];

    @Field(() => [node], { description: "The page's items, without cursors." })
    nodes!: T[];

    @Field(() => PageInfo, { description: "Whether more items follow or precede, and the page's end cursors." })
    pageInfo!: PageInfo;

    @Field(() => Int, {
      nullable: true,
      description:
        "How many items match the filter in all (counted only when asked for). Where your department may count these items but not read them, a multiple of 5 (rounded so that no small count can be derived; README, Published counts).",
    })
    totalCount!: number | null;
  }
  return ConnectionType;
}

/** A stable order: leading columns plus a unique last column (the primary key). */
export interface Ordering<Row> {
  name: string;
  direction: "asc" | "desc";
  columns: readonly AnyPgColumn[];
  /** The row's values for the columns, in order: what a cursor records. */
  key: (row: Row) => (string | number)[];
}

interface Cursor {
  o: string;
  v: (string | number)[];
}

export function encodeCursor(ordering: string, values: (string | number)[]): string {
  return Buffer.from(JSON.stringify({ o: ordering, v: values } satisfies Cursor)).toString("base64url");
}

/**
 * Whether a cursor's value can stand for a value of its column: a number for a numeric column (an
 * integer for an integer one), an ISO date for a date, a short string otherwise — a cursor is the
 * client's input, and a string where a number belongs must be refused here, not by PostgreSQL.
 */
function fitsColumn(value: unknown, column: AnyPgColumn): boolean {
  if (column.dataType === "number") {
    if (typeof value !== "number" || !Number.isFinite(value) || Math.abs(value) > 1e15) return false;
    return !/Int|Serial/.test(column.columnType) || (Number.isInteger(value) && Math.abs(value) <= 2_147_483_647);
  }
  if (typeof value !== "string" || value.length > 200) return false;
  if (/Date|Timestamp/.test(column.columnType)) return /^\d{4}-\d{2}-\d{2}([T ][0-9:.+Z-]{0,40})?$/.test(value);
  if (/Numeric/.test(column.columnType)) return /^-?\d{1,20}(\.\d{1,10})?$/.test(value);
  return textProblem(value) === null;
}

export function decodeCursor(
  cursor: string,
  ordering: Ordering<unknown>,
  argument: "after" | "before" = "after",
): (string | number)[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = null;
  }
  const c = parsed as Partial<Cursor> | null;
  const valid =
    c !== null &&
    typeof c === "object" &&
    c.o === ordering.name &&
    Array.isArray(c.v) &&
    c.v.length === ordering.columns.length &&
    c.v.every((v, i) => fitsColumn(v, ordering.columns[i]!));
  if (!valid) {
    throw new BadUserInputError("Invalid cursor: pass a cursor from this list with the same ordering.", {
      argumentPath: [argument],
    });
  }
  return c.v as (string | number)[];
}

export interface PageRequest {
  limit: number;
  /** Reading backwards (`last`/`before`): the query runs reversed, the page is re-reversed. */
  backwards: boolean;
  after: (string | number)[] | null;
  before: (string | number)[] | null;
}

export function pageRequest(
  args: PageArgs,
  ordering: Ordering<unknown>,
  maxPageSize: number,
  defaultSize = DEFAULT_PAGE_SIZE,
): PageRequest {
  const { first, last } = args;
  for (const [name, value] of [
    ["first", first],
    ["last", last],
  ] as const) {
    if (value != null && (value < 0 || value > maxPageSize)) {
      throw new BadUserInputError(`\`${name}\` must be between 0 and ${maxPageSize}.`, {
        maxPageSize,
        argumentPath: [name],
      });
    }
  }
  if (first != null && last != null) throw new BadUserInputError("Pass `first` or `last`, not both.");
  const backwards = last != null || (first == null && args.before != null && args.after == null);
  return {
    limit: (backwards ? last : first) ?? defaultSize,
    backwards,
    after: args.after ? decodeCursor(args.after, ordering, "after") : null,
    before: args.before ? decodeCursor(args.before, ordering, "before") : null,
  };
}

function rowCompare(columns: readonly AnyPgColumn[], op: ">" | "<", values: readonly unknown[]): SQL {
  const cols = sql.join(
    columns.map((c) => sql`${c}`),
    sql`, `,
  );
  const vals = sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );
  return sql`(${cols}) ${sql.raw(op)} (${vals})`;
}

/**
 * The keyset conditions and ORDER BY for a page request. A cursor's values may be placeholders
 * (`sql.placeholder`) of a statement rendered once for every page after a cursor (plan/roots.ts).
 */
export function keyset(
  ordering: Ordering<unknown>,
  page: Pick<PageRequest, "backwards"> & { after: readonly unknown[] | null; before: readonly unknown[] | null },
): { where: SQL[]; orderBy: SQL[] } {
  const forward = ordering.direction === "asc" ? ">" : "<";
  const backward = ordering.direction === "asc" ? "<" : ">";
  const where: SQL[] = [];
  if (page.after) where.push(rowCompare(ordering.columns, forward, page.after));
  if (page.before) where.push(rowCompare(ordering.columns, backward, page.before));
  const ascending = (ordering.direction === "asc") !== page.backwards;
  const orderBy = ordering.columns.map((c) => (ascending ? asc(c) : desc(c)));
  return { where, orderBy };
}

/**
 * Turns the rows fetched with `limit + 1` into a connection. `count` runs only if the client
 * selects `totalCount` (a getter the default resolver reads).
 */
export function toConnection<Row>(
  rows: Row[],
  page: PageRequest,
  ordering: Ordering<Row>,
  count: () => Promise<number | null>,
): Connection<Row> {
  const hasMore = rows.length > page.limit;
  const nodes = hasMore ? rows.slice(0, page.limit) : rows;
  if (page.backwards) nodes.reverse();
  const cursorOf = (row: Row) => encodeCursor(ordering.name, ordering.key(row));
  const first = nodes[0];
  const last = nodes[nodes.length - 1];
  let counted: Promise<number | null> | undefined;
  return {
    nodes,
    get edges() {
      return nodes.map((node) => ({ cursor: cursorOf(node), node }));
    },
    pageInfo: {
      hasNextPage: page.backwards ? page.before !== null : hasMore,
      hasPreviousPage: page.backwards ? hasMore : page.after !== null,
      startCursor: first ? cursorOf(first) : null,
      endCursor: last ? cursorOf(last) : null,
    },
    get totalCount() {
      counted ??= count();
      return counted;
    },
  };
}
