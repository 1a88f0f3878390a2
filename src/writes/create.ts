import type { Context } from "../context.js";
import type { Drizzle } from "../db/client.js";
import type { InputErrors, Path } from "../shared/input-errors.js";
import type { WriteTarget } from "./engine.js";
import { HistoryBook } from "./history.js";
import { applied, rejected } from "./outcome.js";
import type { WriteOutcome } from "./write.type.js";

/**
 * The constraint a unique violation broke (PostgreSQL 23505), or null for any other error. Drivers
 * differ in where they put it (postgres.js `constraint_name`, PGlite `constraint`) and drizzle
 * wraps the driver's error as `cause`.
 */
export function uniqueViolation(error: unknown): string | null {
  for (let e = error as Record<string, unknown> | undefined, depth = 0; e && depth < 3; depth++) {
    if (e.code === "23505") return String(e.constraint_name ?? e.constraint ?? "");
    e = e.cause as Record<string, unknown> | undefined;
  }
  return null;
}

/** A new row of a target: what to insert with it, and what a unique key lost to a concurrent write means. */
export interface Creation {
  /** Inserts the row (and what belongs to it) in the transaction; returns its id. */
  insert(tx: Drizzle, history: HistoryBook): Promise<number>;
  /**
   * A unique constraint a concurrent write took first → the same input problem a check beforehand
   * would have reported; an unlisted one is `fallback`.
   */
  duplicates: Readonly<Record<string, { path: Path; message: string }>>;
  fallback: { path: Path; message: string };
}

/**
 * Creates a row in one transaction with its history, when the input was valid; a unique key
 * taken meanwhile becomes a DUPLICATE input error. (Ownership is the caller's first check: it
 * names the fields the new row is written with.)
 */
export async function create<R>(
  ctx: Context,
  target: WriteTarget<R>,
  creation: Creation,
  errors: InputErrors,
): Promise<WriteOutcome<R>> {
  if (errors.any) return rejected(errors.list);
  let id: number;
  try {
    id = await ctx.db.transaction(async (tx) => {
      const history = new HistoryBook(ctx, target);
      const created = await creation.insert(tx, history);
      await history.append(tx);
      return created;
    });
  } catch (error) {
    return duplicate(error, creation, errors);
  }
  return applied(await target.reload(ctx, id));
}

/** A unique key lost to a concurrent write: the same input error as one found beforehand (else rethrown). */
export function duplicate<R>(
  error: unknown,
  keys: Pick<Creation, "duplicates" | "fallback">,
  errors: InputErrors,
): WriteOutcome<R> {
  const constraint = uniqueViolation(error);
  if (constraint === null) throw error;
  const { path, message } = keys.duplicates[constraint] ?? keys.fallback;
  errors.add(path, "DUPLICATE", message);
  return rejected(errors.list);
}
