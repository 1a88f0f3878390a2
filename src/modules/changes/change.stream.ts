import type { Context } from "../../context.js";
import { databaseFailure } from "../../db/failures.js";
import { log } from "../../shared/log.js";
import { ChangesExpiredError, comparePositions, decodePosition, type Position } from "./change.position.js";
import { currentPosition, prunedThrough } from "./change.repository.js";
import { feedTypesFor, pageAfter } from "./change.service.js";
import type { Change } from "./change.type.js";
import { formatDuration } from "../../shared/duration.js";

const PAGE = 200;

/**
 * A subscriber's feed: from `after` (or from now), each entry as the feed delivers it — read
 * every CHANGES_POLL_MS through the subscriber's own access, in the same order and with the same
 * guarantees as `changes`. A poll that fails (the database away) is tried again at the next tick,
 * from the same position: nothing is lost. `return()` stops it at once.
 */
export async function changeStream(
  ctx: Context,
  args: { after?: string | null; types?: readonly string[] | null },
): Promise<AsyncIterableIterator<Change>> {
  const types = feedTypesFor(ctx.access, args.types);
  let position: Position = decodePosition(args.after ?? (await currentPosition(ctx.db)));
  if (comparePositions(position, await prunedThrough(ctx.db)) < 0) {
    throw new ChangesExpiredError(formatDuration(ctx.config.CHANGES_RETENTION));
  }
  const ready: Change[] = [];
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;

  const poll = async (): Promise<void> => {
    for (;;) {
      // A subscription lives long: read each row fresh, not from the loaders of the last poll.
      ctx.loaders.clear();
      const page = await pageAfter(ctx, types, position, PAGE);
      position = decodePosition(page.position);
      ready.push(...page.entries);
      if (page.caughtUp || closed) return;
    }
  };
  const tick = () => {
    timer = null;
    if (closed) return;
    poll()
      .catch((error: unknown) => {
        if (!databaseFailure(error))
          log("error", "change subscription failed to read the feed", { error: String(error) });
      })
      .finally(() => {
        wake?.();
        if (!closed) timer = setTimeout(tick, ctx.config.CHANGES_POLL_MS).unref();
      });
  };
  tick();

  const iterator: AsyncIterableIterator<Change> = {
    async next() {
      while (!ready.length && !closed) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      const entry = ready.shift();
      if (!entry) return { done: true, value: undefined };
      ctx.streamHouseholds = householdsOf(entry);
      return { done: false, value: entry };
    },
    async return() {
      closed = true;
      if (timer) clearTimeout(timer);
      wake?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/** The households an entry's node concerns, for the read audit. */
function householdsOf(entry: Change): number[] {
  const node = entry.node as { rowId?: number; householdId?: number } | null;
  if (!node) return [];
  if (entry.type === "Household" && typeof node.rowId === "number") return [node.rowId];
  if (typeof node.householdId === "number") return [node.householdId];
  return [];
}
