import { and, eq, gte, lte, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { households, members } from "../db/tables.js";
import { BadUserInputError } from "./errors.js";

/** Valid prefixes of the 12-digit statistical code: province, city, county, township, village. */
const PREFIX_LENGTHS = new Set([2, 4, 6, 9, 12]);

export function assertRegionPrefix(code: string): string {
  if (!/^[0-9]+$/.test(code) || !PREFIX_LENGTHS.has(code.length)) {
    throw new BadUserInputError(
      `"${code.slice(0, 20)}" is not a region code: use 2 (province), 4 (city), 6 (county), 9 (township) or 12 (village) digits.`,
    );
  }
  return code;
}

/**
 * Code columns with an index on (left(code, n), id) for a city (4), a county (6) and a township (9),
 * beside (code, id) (src/db/tables.ts): the tables whose pages run in id order across a region.
 */
const LEVEL_INDEXED: ReadonlySet<AnyPgColumn> = new Set([households.villageCode, members.villageCode]);

/**
 * "Everything under a region". On a code column indexed by level (above), an equality on the
 * region's level, which those indexes serve in id order: a page of a county's households reads its
 * rows and no others, wherever its ids lie. (A range over the code does not come in id order, and
 * PostgreSQL then walks the primary key through every household of the regions before it, so
 * that a county's first page cost more the later its households were registered.) Elsewhere, and
 * for a province, a range over the code: a plain btree range scan, the same index serving every
 * level.
 */
export function underRegion(column: AnyPgColumn, prefix: string): SQL {
  if (LEVEL_INDEXED.has(column) && prefix.length > 2) {
    if (prefix.length === 12) return eq(column, prefix);
    if (prefix.length === 4 || prefix.length === 6 || prefix.length === 9) {
      return sql`(left(${column}, ${sql.raw(String(prefix.length))}) = ${prefix})`;
    }
  }
  return and(gte(column, prefix.padEnd(12, "0")), lte(column, prefix.padEnd(12, "9"))) as SQL;
}
