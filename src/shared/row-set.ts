import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";

/**
 * A fingerprint of a set of rows, whatever query selected them: the sum of a hash of their ids
 * (order-free, so the same set always gives the same value). Rounded counts draw their rounding
 * from it (access/published-count.ts), so a set keeps its published count however it is asked for.
 */
export function rowSetFingerprint(id: AnyPgColumn): SQL<string> {
  return sql<string>`coalesce(sum(hashint8(${id}::int8)), 0)::text`;
}
