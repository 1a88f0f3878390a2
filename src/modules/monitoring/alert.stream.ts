import type { Context } from "../../context.js";
import type { Database } from "../../db/client.js";
import { log } from "../../shared/log.js";
import { alertById } from "./alert.loader.js";
import { ALERT_CHANNEL } from "./alert.repository.js";
import type { AlertRow } from "./alert.type.js";

type Listener = (ids: number[]) => void;

/**
 * One LISTEN per database for every subscriber of the process. Alerts are NOTIFYed by the write's
 * own transaction, so subscribers hear only of committed alerts — from this server or any other
 * on the same database.
 */
export class AlertHub {
  private readonly listeners = new Set<Listener>();
  private listening: Promise<() => Promise<void>> | null = null;

  constructor(private readonly database: Database) {}

  get size(): number {
    return this.listeners.size;
  }

  /** Resolves once LISTEN is in place: an alert committed after that reaches the listener. */
  async subscribe(listener: Listener): Promise<() => void> {
    this.listening ??= this.database.listen(ALERT_CHANNEL, (payload) => {
      let ids: number[];
      try {
        ids = JSON.parse(payload) as number[];
      } catch {
        return;
      }
      for (const l of this.listeners) l(ids);
    });
    try {
      await this.listening;
    } catch (error) {
      // The next subscriber tries LISTEN again rather than inheriting this failure.
      this.listening = null;
      throw error;
    }
    // Counted only once LISTEN is in place: from here on, no committed alert can be missed.
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    const unlisten = await this.listening;
    this.listening = null;
    await unlisten?.().catch(() => {});
  }
}

const hubs = new WeakMap<Database, AlertHub>();

export function alertHub(database: Database): AlertHub {
  let hub = hubs.get(database);
  if (!hub) hubs.set(database, (hub = new AlertHub(database)));
  return hub;
}

/**
 * A subscriber's stream of alerts: each announced alert is loaded through the subscriber's own
 * access (scope, masks, readable columns), so one outside its region is never loaded, let alone
 * sent. `return()` (the client unsubscribing) stops listening at once.
 */
export async function alertStream(ctx: Context, regionCode: string | null): Promise<AsyncIterableIterator<AlertRow>> {
  const ready: AlertRow[] = [];
  let wake: (() => void) | null = null;
  let closed = false;
  let loading = Promise.resolve();
  const unsubscribe = await alertHub(ctx.database).subscribe((ids) => {
    loading = loading
      .then(async () => {
        if (closed) return;
        // A subscription lives long: read each alert fresh, not from the loaders of the last one.
        ctx.loaders.clear();
        for (const row of await alertById(ctx).loadMany(ids)) {
          if (!row || row instanceof Error) continue;
          if (regionCode && !row.villageCode.startsWith(regionCode)) continue;
          ready.push(row);
        }
        wake?.();
      })
      .catch((error: unknown) => log("error", "alert subscription failed to load alerts", { error: String(error) }));
  });
  const close = () => {
    closed = true;
    unsubscribe();
    wake?.();
  };
  const iterator: AsyncIterableIterator<AlertRow> = {
    async next() {
      while (!ready.length && !closed) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      const alert = ready.shift();
      if (!alert) return { done: true, value: undefined };
      ctx.streamHouseholds = [alert.householdId];
      return { done: false, value: alert };
    },
    async return() {
      close();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
