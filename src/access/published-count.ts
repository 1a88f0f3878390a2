import { createHmac } from "node:crypto";
import type { Config } from "../config.js";
import { auditHmacKey } from "./audit-keys.js";

/**
 * Published counts (README, "Published counts"): how a count leaves for a department that the
 * policy's `suppressCountsBelow` names, when it counts rows the department cannot read.
 *
 * Suppressing small counts alone is not enough: a village's total minus its other cells gives the
 * hidden one. So every such count is published rounded to a multiple of the base N (5), by
 * unbiased random rounding — n = N·q + r goes up to N·(q+1) with probability r/N, down to N·q
 * otherwise — whose draw is fixed per set of rows (the cell-key method of statistical agencies):
 * the draw comes from an HMAC, under a server key, of the rows' fingerprint (their count and the
 * sum of a hash of their ids). Whatever filter selects a set, however often and however phrased,
 * the set gets the same published count, so the noise cannot be averaged away; and a count of
 * 1..N-1 is never published as such, nor does any difference of two published counts determine
 * one. A true zero is published as 0: counts of 1..N-1 may be published as 0 too, so a 0 does not
 * tell emptiness apart from a small count.
 */

/** A count as the database returns it when it is to be rounded: how many rows, and which (fingerprint). */
export interface CountedRows {
  rows: number;
  /** The sum of hashint8(id) over the rows (as text: a bigint), `rowSetFingerprint` in SQL. */
  fingerprint: string;
}

const keys = new WeakMap<Config, Buffer>();

/**
 * The rounding key: COUNT_ROUNDING_KEY, or one derived from the read audit's HMAC key (configured,
 * or generated outside production), which stays the same across restarts: a new key would give an
 * attacker a fresh draw of every count.
 */
export function countRoundingKey(config: Config): Buffer {
  let key = keys.get(config);
  if (!key) {
    key = config.COUNT_ROUNDING_KEY
      ? Buffer.from(config.COUNT_ROUNDING_KEY, "utf8")
      : createHmac("sha256", auditHmacKey(config)).update("xiangcun-published-counts").digest();
    keys.set(config, key);
  }
  return key;
}

/** A draw in [0, 1) fixed by the key and the set of rows. */
function draw(key: Buffer, kind: string, base: number, counted: CountedRows): number {
  const digest = createHmac("sha256", key)
    .update(`${kind}\u0000${base}\u0000${counted.rows}\u0000${counted.fingerprint}`)
    .digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** The published form of a count of rows of `kind` (a table), rounded to a multiple of `base`. */
export function roundedCount(key: Buffer, kind: string, base: number, counted: CountedRows): number {
  const n = counted.rows;
  if (base <= 1 || n === 0) return n;
  const remainder = n % base;
  const down = n - remainder;
  if (remainder === 0) return n;
  return draw(key, kind, base, counted) < remainder / base ? down + base : down;
}
