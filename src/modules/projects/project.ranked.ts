import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";

/**
 * Bounded relation lists for many parents in one statement: rows are numbered per parent by a
 * window function in a subquery, and the outer query keeps the first `limit` of each.
 */
export function rankInGroup(partition: AnyPgColumn, order: SQL[]): SQL.Aliased<number> {
  return sql<number>`row_number() over (partition by ${partition} order by ${sql.join(order, sql`, `)})`.as(
    "rank_in_group",
  );
}

/** Drops the helper column the outer query filtered on. */
export function withoutRank<R extends Record<string, unknown>>(rows: R[]): R[] {
  for (const row of rows) delete row.rankInGroup;
  return rows;
}
