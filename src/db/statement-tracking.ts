import type { PGlite } from "@electric-sql/pglite";
import postgres, { type Sql } from "postgres";
import { ServiceUnavailableError } from "../shared/errors.js";
import type { Availability, ProbeResult } from "./availability.js";
import { databaseFailure } from "./failures.js";
import { refuseIfStopped, trackStatement } from "./request-scope.js";
import { statementsInFlight } from "../observability/metrics.js";

/**
 * The drivers as drizzle sees them, with every statement passing through here first: refused if
 * its request was stopped or the database is known to be unreachable, and (postgres.js) tied to
 * its request so that it can be cancelled on the server. drizzle issues statements through
 * `unsafe` and opens transactions with `begin` / `savepoint`; everything else passes untouched.
 */
export function trackedPostgres(client: Sql, availability: Availability): Sql {
  const refusal = (): Error | null => {
    if (!availability.up) return new ServiceUnavailableError();
    try {
      refuseIfStopped();
      return null;
    } catch (error) {
      return error as Error;
    }
  };

  const issue = (start: () => postgres.PendingQuery<postgres.Row[]>) => {
    const refused = refusal();
    if (refused) return rejectedQuery(refused);
    const query = start();
    statementsInFlight.inc({ driver: "postgres" });
    // Promise.prototype.then, not the query's own: that one would start the query before drizzle
    // has set its result mode (`.values()`).
    const settled = Promise.prototype.then.call(
      query,
      () => {
        statementsInFlight.dec({ driver: "postgres" });
        availability.answered();
      },
      (error: unknown) => {
        statementsInFlight.dec({ driver: "postgres" });
        if (databaseFailure(error) === "unavailable") availability.suspect();
      },
    );
    trackStatement(settled, () => {
      // Only the statement a connection is running now is cancelled. One still queued in the pool
      // would leave its connection marked busy; one pipelined behind another on its connection
      // (sent, not yet active) makes postgres.js drop it from the connection's queue while the
      // server still answers it, so its answer went to the next statement — another request's —
      // and the connection hung or handed out wrong rows. Such a statement runs to its end (within
      // statement_timeout) and its answer is dropped. The patched cancel() never throws or rejects.
      const running = query as unknown as { state: unknown; active?: boolean };
      if (running.state && running.active) void query.cancel();
    });
    return query;
  };

  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, property) {
        const value: unknown = Reflect.get(object, property, object);
        if (typeof value !== "function") return value;
        const method = value as (...args: unknown[]) => unknown;
        if (property === "unsafe") return (...args: unknown[]) => issue(() => method.apply(object, args) as never);
        if (property === "begin" || property === "savepoint") {
          return (...args: unknown[]) => {
            const refused = refusal();
            if (refused) return Promise.reject(refused);
            const work = args.pop() as (tx: object) => unknown;
            return method.call(object, ...args, (tx: object) => work(wrap(tx)));
          };
        }
        return value;
      },
    });

  return wrap(client);
}

/** A refused statement, shaped like a postgres.js query for drizzle (which may call `.values()`). */
function rejectedQuery(error: Error) {
  const rejected = Promise.reject(error) as Promise<never> & { values(): Promise<never> };
  rejected.values = () => rejected;
  return rejected as unknown as postgres.PendingQuery<postgres.Row[]>;
}

/** PGlite runs in this process: a running statement cannot be cancelled, but a stopped request's next one is refused. */
export function trackedPglite(client: PGlite): PGlite {
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, property) {
        const value: unknown = Reflect.get(object, property, object);
        if (typeof value !== "function") return value;
        const method = value as (...args: unknown[]) => unknown;
        if (property !== "query" && property !== "transaction") return method.bind(object);
        return (...args: unknown[]) => {
          try {
            refuseIfStopped();
          } catch (error) {
            return Promise.reject(error);
          }
          if (property === "query") {
            statementsInFlight.inc({ driver: "pglite" });
            const done = () => statementsInFlight.dec({ driver: "pglite" });
            const result = method.apply(object, args) as Promise<unknown>;
            result.then(done, done);
            return result;
          }
          const work = args.shift() as (tx: object) => unknown;
          return method.call(object, (tx: object) => work(wrap(tx)), ...args);
        };
      },
    });
  return wrap(client);
}

/**
 * `SELECT 1` on a connection of its own, for Availability. The connection is kept: after a
 * connection error postgres.js reconnects on the next probe, and a probe left waiting on a dead
 * link is answered (with those queued behind it) if the link comes back.
 */
export function postgresProbe(url: string) {
  const client = postgres(url, {
    max: 1,
    onnotice: () => {},
    fetch_types: false,
    prepare: false,
    idle_timeout: 10,
    max_lifetime: null,
    connect_timeout: 5,
    // Each probe is one attempt: Availability decides when to try again.
    backoff: () => 0,
  });
  return {
    async run(timeoutMs: number): Promise<ProbeResult> {
      let answered = false;
      const query = client`SELECT 1`.then(() => {
        answered = true;
      });
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
      });
      try {
        if ((await Promise.race([query, late])) !== "timeout") return "answered";
        // A busy event loop can fire the timer before reading an answer that has arrived: let I/O run first.
        await new Promise((resolve) => setImmediate(resolve));
        return answered ? "answered" : "timeout";
      } finally {
        clearTimeout(timer);
        // A timed-out probe may still fail later: nobody waits for it then.
        query.catch(() => {});
      }
    },
    close: () => client.end({ timeout: 0 }),
  };
}
