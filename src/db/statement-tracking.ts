import type { PGlite } from "@electric-sql/pglite";
import postgres, { type Sql } from "postgres";
import { InterruptedStatementError, ServiceUnavailableError } from "../shared/errors.js";
import { answerFault, misanswered, type RowMode } from "./answers.js";
import type { Availability, ProbeResult } from "./availability.js";
import { databaseFailure } from "./failures.js";
import { refuseIfStopped, trackStatement } from "./request-scope.js";
import { statementInFlight } from "../observability/metrics.js";

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

  const issue = (start: () => postgres.PendingQuery<postgres.Row[]>, inTransaction: boolean) => {
    const refused = refusal();
    if (refused) return rejectedQuery(refused);
    const first = start();
    let mode: RowMode = "objects";
    let answer: Promise<unknown> | null = null;
    const run = (query: postgres.PendingQuery<postgres.Row[]>, attempt: number): Promise<unknown> => {
      const issuedAt = performance.now();
      if (mode !== "objects") void query[mode]();
      let stoppedByItsRequest = false;
      statementInFlight("postgres", 1);
      // Promise.prototype.then, not the query's own: that one starts the query.
      const settled = Promise.prototype.then.call(
        query,
        () => {
          statementInFlight("postgres", -1);
          availability.answered();
        },
        (error: unknown) => {
          statementInFlight("postgres", -1);
          if (databaseFailure(error) === "unavailable") availability.suspect();
        },
      );
      trackStatement(settled, () => {
        stoppedByItsRequest = true;
        // Only the statement a connection is running now is cancelled. One still queued in the pool
        // would leave its connection marked busy; one pipelined behind another on its connection
        // (sent, not yet active) makes postgres.js drop it from the connection's queue while the
        // server still answers it, so its answer went to the next statement — another request's —
        // and the connection hung or handed out wrong rows. Such a statement runs to its end (within
        // statement_timeout) and its answer is dropped. The patched cancel() never throws; it
        // returns the cancel request's promise (handled), settled once the server has acted on it.
        const running = query as unknown as { state: object | null; active?: boolean };
        if (!running.state || !running.active) return;
        const cancels = cancelsOn(running.state);
        cancels.pending += 1;
        const done = () => {
          cancels.pending -= 1;
          cancels.lastDone = performance.now();
        };
        void (query.cancel() as unknown as Promise<void>).then(done, done);
      });
      return query.then(
        (result) => {
          const fault = answerFault(result, mode);
          if (fault) throw misanswered(fault, { statement: queryText(query) });
          return result;
        },
        (error: unknown) => {
          if (stoppedByItsRequest || !strayCancel(error, query, issuedAt)) throw error;
          // Cancelled on its connection, but not by its request: by a cancel sent for the statement
          // before it there, which had ended by the time the server acted on it. Alone, the
          // statement had no effect and runs again (a few times at most: while many clients hang
          // up, its next connection may be hit too); in a transaction, the transaction is lost.
          if (inTransaction || attempt >= STRAY_CANCEL_ATTEMPTS) throw new InterruptedStatementError();
          const refusedNow = refusal();
          if (refusedNow) throw refusedNow;
          return run(start(), attempt + 1);
        },
      );
    };
    // What drizzle and rowsAsSent receive: the query, whose answer is checked (and, after a stray
    // cancel, asked again) before they see it. It starts when awaited, as postgres.js's own does.
    const tracked: postgres.PendingQuery<postgres.Row[]> = new Proxy(first, {
      get(target, property) {
        if (property === "then" || property === "catch" || property === "finally") {
          answer ??= run(first, 1);
          const settled = answer;
          return (...args: unknown[]) => (settled[property] as (...a: unknown[]) => unknown).apply(settled, args);
        }
        if (property === "values" || property === "raw") {
          return () => {
            mode = property;
            return tracked;
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    return tracked;
  };

  const wrap = <T extends object>(target: T, inTransaction: boolean): T =>
    new Proxy(target, {
      get(object, property) {
        const value: unknown = Reflect.get(object, property, object);
        if (typeof value !== "function") return value;
        const method = value as (...args: unknown[]) => unknown;
        if (property === "unsafe")
          return (...args: unknown[]) => issue(() => method.apply(object, args) as never, inTransaction);
        if (property === "begin" || property === "savepoint") {
          return (...args: unknown[]) => {
            const refused = refusal();
            if (refused) return Promise.reject(refused);
            const work = args.pop() as (tx: object) => unknown;
            return method.call(object, ...args, (tx: object) => work(wrap(tx, true)));
          };
        }
        return value;
      },
    });

  return wrap(client, false);
}

/** How many times a statement outside a transaction is run when stopped by others' cancels. */
const STRAY_CANCEL_ATTEMPTS = 3;

/**
 * The cancels sent for each connection (postgres.js's per-connection `state`): how many the server
 * has not yet acted on, and when it last did (performance.now()). The server signals the backend
 * before it closes the cancel's connection, and a signal that finds the backend reading its next
 * statement is ignored: so a cancel can stop only a statement issued before it was done.
 */
const cancels = new WeakMap<object, { pending: number; lastDone: number }>();

function cancelsOn(state: object) {
  let entry = cancels.get(state);
  if (!entry) cancels.set(state, (entry = { pending: 0, lastDone: -Infinity }));
  return entry;
}

/**
 * A statement cancelled on the server (57014) on a connection that a cancel was being sent to
 * while the statement waited or ran there: the cancel was another statement's. (statement_timeout
 * also fails with 57014: such a statement, in that case too, is run once more.)
 */
function strayCancel(error: unknown, query: object, issuedAt: number): boolean {
  if ((error as { code?: unknown } | null)?.code !== "57014") return false;
  const state = (query as { state?: object | null }).state;
  const entry = state ? cancels.get(state) : undefined;
  return entry !== undefined && (entry.pending > 0 || entry.lastDone >= issuedAt);
}

function queryText(query: object): string {
  const text = (query as { string?: unknown }).string;
  return typeof text === "string" ? text : "";
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
            statementInFlight("pglite", 1);
            const done = () => statementInFlight("pglite", -1);
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
