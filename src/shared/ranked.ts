import { asc, lte, sql, type SQL, type Subquery } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Context } from "../context.js";

/**
 * Bounded relation lists for many parents in one statement: rows are numbered per parent by a
 * window function in a subquery (selected as `rankInGroup`), and `firstOfEachGroup` keeps the
 * first `limit` of each.
 */
export function rankInGroup(partition: AnyPgColumn, order: SQL[]): SQL.Aliased<number> {
  return sql<number>`row_number() over (partition by ${partition} order by ${sql.join(order, sql`, `)})`.as(
    "rank_in_group",
  );
}

/** The ranked subquery's rows, up to `limit` per group, without the helper column. */
export async function firstOfEachGroup(
  ctx: Context,
  ranked: Subquery & { rankInGroup: SQL.Aliased<number> },
  limit: number,
): Promise<Record<string, unknown>[]> {
  const rows = (await ctx.db
    .select()
    .from(ranked)
    .where(lte(ranked.rankInGroup, limit))
    .orderBy(asc(ranked.rankInGroup))) as Record<string, unknown>[];
  for (const row of rows) delete row.rankInGroup;
  return rows;
}
