import { and, count, getTableColumns, type SQL } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Context } from "../context.js";
import { keyset, pageRequest, toConnection, type Connection, type Ordering, type PageArgs } from "./pagination.js";
import { rowSetFingerprint } from "./row-set.js";

/** A table's connection, declared once: what it selects, how its rows leave, the orders a client may name. */
export interface ListingSpec<Row> {
  /** The GraphQL type of the rows (whether their count is published rounded depends on it). */
  type: string;
  table: PgTable;
  /** The columns the principal may fetch. */
  columns: (ctx: Context) => Record<string, AnyPgColumn>;
  /** The orders a client may name; the first is the default. */
  orderings: readonly [Ordering<Row>, ...Ordering<Row>[]];
  /** Post-processing of the fetched rows (global ids), in place. */
  map: (rows: Record<string, unknown>[]) => Row[];
}

export interface Listing<Row> extends ListingSpec<Row> {
  /** One page of the rows matching `where` (scope and filters) in the named order. */
  page(
    ctx: Context,
    where: (SQL | undefined)[],
    order: string | null | undefined,
    args: PageArgs,
  ): Promise<Connection<Row>>;
}

/** The one page helper: every connection of the API is a listing of its table. */
export function defineListing<Row>(spec: ListingSpec<Row>): Listing<Row> {
  return {
    ...spec,
    page: (ctx, where, order, args) =>
      queryPage(ctx, {
        type: spec.type,
        table: spec.table,
        columns: spec.columns(ctx),
        where,
        ordering: spec.orderings.find((o) => o.name === order) ?? spec.orderings[0],
        args,
        map: spec.map,
      }),
  };
}

interface PageQuery<Row> {
  type: string;
  table: PgTable;
  columns: Record<string, AnyPgColumn>;
  /** Scope and filter conditions (undefined entries are ignored). */
  where: (SQL | undefined)[];
  ordering: Ordering<Row>;
  args: PageArgs;
  map: (rows: Record<string, unknown>[]) => Row[];
}

/**
 * One keyset page: `limit + 1` rows in a stable order (never OFFSET), and a `count(*)` over the
 * same conditions only if the client selects `totalCount` — the one place every connection's count
 * leaves, exact or rounded as the principal's access says (with the rows' fingerprint then).
 */
async function queryPage<Row>(ctx: Context, q: PageQuery<Row>): Promise<Connection<Row>> {
  const page = pageRequest(q.args, q.ordering as Ordering<unknown>, ctx.config.MAX_PAGE_SIZE);
  const { where, orderBy } = keyset(q.ordering as Ordering<unknown>, page);
  const condition = and(...q.where);
  const rows =
    page.limit === 0
      ? []
      : await ctx.db
          .select(q.columns)
          .from(q.table)
          .where(and(condition, ...where))
          .orderBy(...orderBy)
          .limit(page.limit + 1);
  // The look-ahead row only says whether more follow: it is not returned, so it is not mapped
  // (nor noted as read by the audit); toConnection still sees that it was there.
  const extra = rows.length > page.limit ? rows.pop() : undefined;
  const mapped = q.map(rows);
  if (extra) mapped.push(extra as Row);
  return toConnection(mapped, page, q.ordering, async () => {
    if (!ctx.access.roundsCountsOf(q.type)) {
      const [result] = await ctx.db.select({ n: count() }).from(q.table).where(condition);
      return Number(result?.n ?? 0);
    }
    const id = (getTableColumns(q.table) as Record<string, AnyPgColumn>).id!;
    const [result] = await ctx.db
      .select({ n: count(), fingerprint: rowSetFingerprint(id) })
      .from(q.table)
      .where(condition);
    return ctx.access.publishCount(
      q.type,
      { rows: Number(result?.n ?? 0), fingerprint: result?.fingerprint ?? "0" },
      ctx.config,
    );
  });
}
