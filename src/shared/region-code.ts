import { and, gte, lte, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
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
 * "Everything under a region" as a range over the code column: a plain btree range scan,
 * the same index serving every level of the hierarchy.
 */
export function underRegion(column: AnyPgColumn, prefix: string): SQL {
  return and(gte(column, prefix.padEnd(12, "0")), lte(column, prefix.padEnd(12, "9"))) as SQL;
}
