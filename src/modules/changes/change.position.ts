import { ClientError } from "../../shared/errors.js";
import { encodeCursor } from "../../shared/pagination.js";

/**
 * A place in the change feed: after the entry (xid, seq). Entries are delivered in (xid, seq)
 * order, so "after" is a plain comparison. `seq` = MAX_SEQ stands for "after every entry of
 * transaction xid and below" (the position of a caught-up page or of an export's snapshot).
 */
export interface Position {
  xid: number;
  seq: number;
}

export const MAX_SEQ = Number.MAX_SAFE_INTEGER;
export const ORIGIN: Position = { xid: 0, seq: 0 };

const ORDERING = "CHANGES";

/**
 * Opaque to clients; shaped like every cursor of this API (base64url of `{"o": ordering, "v": key}`,
 * checked for form before an operation runs), with the feed's own ordering name.
 */
export function encodePosition(p: Position): string {
  return encodeCursor(ORDERING, [p.xid, p.seq]);
}

/**
 * The position of a snapshot whose horizon (`pg_snapshot_xmin(pg_current_snapshot())`) is
 * `horizon`: after every transaction below it. For a client that reads the horizon itself (a raw
 * driver's export transaction); with drizzle, `currentPosition(tx)` does both.
 */
export function positionBelow(horizon: number): string {
  return encodePosition({ xid: horizon - 1, seq: MAX_SEQ });
}

export function decodePosition(token: string): Position {
  let parsed: unknown;
  try {
    parsed = /^[A-Za-z0-9_-]{1,400}$/.test(token) ? JSON.parse(Buffer.from(token, "base64url").toString("utf8")) : null;
  } catch {
    parsed = null;
  }
  const { o, v } = (parsed ?? {}) as { o?: unknown; v?: unknown };
  const [xid, seq] = Array.isArray(v) && v.length === 2 ? (v as unknown[]) : [];
  const valid = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
  if (o !== ORDERING || !valid(xid) || !valid(seq)) throw new InvalidPositionError();
  return { xid, seq };
}

export function comparePositions(a: Position, b: Position): number {
  return a.xid - b.xid || a.seq - b.seq;
}

/** A position that is not one the feed handed out. */
export class InvalidPositionError extends ClientError {
  constructor() {
    super(
      "This is not a change-feed position: pass a `position` the feed or an export returned, unchanged.",
      "INVALID_POSITION",
    );
  }
}

/** The entries after the position were pruned (CHANGES_RETENTION): the copy must be rebuilt. */
export class ChangesExpiredError extends ClientError {
  constructor(retention: string) {
    super(
      `Changes after this position are no longer kept (the feed keeps ${retention}): export again, then follow the feed from the export's position.`,
      "CHANGES_EXPIRED",
      { retention },
    );
  }
}
