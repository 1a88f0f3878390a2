import type { Context } from "../../context.js";
import type { Database } from "../../db/client.js";
import { log } from "../../shared/log.js";
import { alertNotificationLag } from "../../observability/metrics.js";
import { outsideRequests } from "../../db/request-scope.js";
import { databaseFailure } from "../../db/failures.js";
import { alertById } from "./alert.loader.js";
import { ALERT_CHANNEL, alertIdsAfter, latestAlertId } from "./alert.repository.js";
import type { AlertRow } from "./alert.type.js";

type Listener = (ids: number[]) => void;

/**
 * How far below the newest id heard a catch-up looks again: ids are taken when an alert is
 * inserted, not when it commits, so one committed in the gap may be older than the newest heard.
 */
const LOOKBACK = 1000;
/** Ids handed out lately, so that one both NOTIFYed and caught up is handed out once (> LOOKBACK). */
const REMEMBERED = 10_000;
/** Payloads of at most this many ids, as the NOTIFYs that announce them. */
const CHUNK = 500;
/** A subscriber's alerts that could not be read (the database was away) are read again after this. */
const RELOAD_MS = 1000;

/**
 * One LISTEN per database for every subscriber of the process. Alerts are NOTIFYed by the write's
 * own transaction, so subscribers hear only of committed alerts — from this server or any other
 * on the same database. When the LISTEN connection is lost (the database restarts, the network
 * drops) the driver LISTENs again once it can; what was committed meanwhile was NOTIFYed to nobody,
 * so the hub then reads the alerts table for ids after the last one it heard, and hands each id
 * out once whichever way it arrived.
 */
export class AlertHub {
  private readonly listeners = new Set<Listener>();
  private listening: Promise<() => Promise<void>> | null = null;
  /** The newest alert id when LISTEN was first in place: a catch-up never reaches below it. */
  private baseline: number | null = null;
  /** The newest id handed out (or the baseline). */
  private heard = 0;
  private readonly handedOut = new Set<number>();
  private catchingUp: Promise<void> = Promise.resolve();

  constructor(private readonly database: Database) {}

  get size(): number {
    return this.listeners.size;
  }

  /** Resolves once LISTEN is in place: an alert committed after that reaches the listener. */
  async subscribe(listener: Listener): Promise<() => void> {
    this.listening ??= this.start();
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
    const unlisten = await this.listening?.catch(() => null);
    this.listening = null;
    await unlisten?.().catch(() => {});
  }

  private async start(): Promise<() => Promise<void>> {
    let first = true;
    const unlisten = await this.database.listen(
      ALERT_CHANNEL,
      (payload) => {
        let ids: number[];
        try {
          ids = JSON.parse(payload) as number[];
        } catch {
          return;
        }
        this.handOut(ids);
      },
      () => {
        if (first) first = false;
        else this.catchUp();
      },
    );
    // After LISTEN: an alert committed in between is both NOTIFYed and counted here, never neither.
    this.baseline = await outsideRequests(() => latestAlertId(this.database.db));
    this.heard = Math.max(this.heard, this.baseline);
    return unlisten;
  }

  /** LISTEN is back after a loss: read what was committed meanwhile (after any catch-up under way). */
  private catchUp(): void {
    this.catchingUp = this.catchingUp.then(async () => {
      // LISTEN can be back before statements are served again (the pool reconnects on its own):
      // try until the read succeeds, or the hub is closed.
      while (this.listening) {
        try {
          const from = Math.max(this.baseline ?? 0, this.heard - LOOKBACK);
          const ids = await outsideRequests(() => alertIdsAfter(this.database.db, from));
          for (let i = 0; i < ids.length; i += CHUNK) this.handOut(ids.slice(i, i + CHUNK));
          return;
        } catch (error) {
          log("warn", "alert catch-up after a lost LISTEN failed; trying again", { error: String(error) });
          await new Promise((resolve) => setTimeout(resolve, RELOAD_MS));
        }
      }
    });
  }

  private handOut(ids: number[]): void {
    const fresh = ids.filter((id) => !this.handedOut.has(id));
    if (!fresh.length) return;
    for (const id of fresh) {
      this.handedOut.add(id);
      this.heard = Math.max(this.heard, id);
    }
    for (const id of this.handedOut) {
      if (this.handedOut.size <= REMEMBERED) break;
      this.handedOut.delete(id);
    }
    for (const l of this.listeners) l(fresh);
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
  const load = (ids: number[]) => {
    loading = loading
      .then(async () => {
        if (closed) return;
        // A subscription lives long: read each alert fresh, not from the loaders of the last one.
        ctx.loaders.clear();
        const rows = await alertById(ctx).loadMany(ids);
        const again: number[] = [];
        rows.forEach((row, i) => {
          if (row instanceof Error) {
            if (databaseFailure(row)) again.push(ids[i]!);
            else log("error", "alert subscription failed to load an alert", { error: String(row) });
          } else if (row && (!regionCode || row.villageCode.startsWith(regionCode))) {
            ready.push(row);
            const raised = Date.parse(row.raisedAt);
            if (Number.isFinite(raised)) alertNotificationLag.observe(Math.max(0, Date.now() - raised) / 1000);
          }
        });
        wake?.();
        // Heard but not readable while the database was away: read again, not lost to the outage.
        if (again.length) setTimeout(() => load(again), RELOAD_MS).unref();
      })
      .catch((error: unknown) => log("error", "alert subscription failed to load alerts", { error: String(error) }));
  };
  const unsubscribe = await alertHub(ctx.database).subscribe(load);
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
