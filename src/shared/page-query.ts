import { and, count, type SQL } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Context } from "../context.js";
import { keyset, pageRequest, toConnection, type Connection, type Ordering, type PageArgs } from "./pagination.js";

export interface PageQuery<Row> {
  table: PgTable;
  columns: Record<string, AnyPgColumn>;
  /** Scope and filter conditions (undefined entries are ignored). */
  where: (SQL | undefined)[];
  ordering: Ordering<Row>;
  args: PageArgs;
  /** Post-processing of the fetched rows (global ids), in place. */
  map: (rows: Record<string, unknown>[]) => Row[];
}

/**
 * One keyset page: `limit + 1` rows in a stable order (never OFFSET), and a `count(*)` over the
 * same conditions only if the client selects `totalCount`.
 */
export async function queryPage<Row>(ctx: Context, q: PageQuery<Row>): Promise<Connection<Row>> {
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
    const [result] = await ctx.db.select({ n: count() }).from(q.table).where(condition);
    return ctx.access.suppressCount(Number(result?.n ?? 0));
  });
}
