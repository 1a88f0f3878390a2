import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { fillPlaceholders, is, SQL, type Query } from "drizzle-orm";
import type { Logger } from "drizzle-orm/logger";
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { Availability } from "./availability.js";
import { copyOut, type CopyOut } from "./copy-out.js";
import { lockFolder } from "./folder-lock.js";
import { postgresProbe, trackedPglite, trackedPostgres } from "./statement-tracking.js";
import { countStatement, runInScope } from "./request-scope.js";
import { poolConnections } from "../observability/metrics.js";
import * as schema from "./schema.js";

export type Drizzle = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Driver = "pglite" | "postgres";

/**
 * One interface over both drivers: the same drizzle query builder, plus the few things
 * the drivers do differently (bulk COPY, closing) and a statement counter that tests and
 * benchmarks read to prove statements per request stay bounded.
 */
export interface Database {
  readonly driver: Driver;
  readonly db: Drizzle;
  /**
   * Data statements issued through drizzle since the database was opened; the read audit's group
   * commits (one statement per batch of entries, usually) are counted apart, in `audit`.
   */
  readonly statements: Statements;
  /** Runs a raw statement (or a rendered one with its placeholders' values) and returns its rows, the same shape on both drivers. */
  rows<T = Record<string, unknown>>(query: SQL | Renderable): Promise<T[]>;
  /**
   * As `rows`, for a statement whose text never changes (its values are all parameters): on
   * postgres.js prepared once per connection, then only bound and executed (one round trip, no
   * parse). Never for texts that vary: each connection keeps every text it prepared.
   */
  preparedRows<T = Record<string, unknown>>(query: SQL): Promise<T[]>;
  /**
   * Runs a raw statement and returns its rows with each value as the database sent it: on
   * postgres.js the bytes of its text form (a Buffer, never decoded: what is passed through to a
   * response as it is), on PGlite the value its driver gives (decoded in process anyway).
   */
  rowsAsSent(statement: Renderable): Promise<Record<string, Buffer | string | number | null>[]>;
  /**
   * PostgreSQL only: a statement's rows as `COPY … TO STDOUT (FORMAT binary)` bytes, read in the
   * exported snapshot `snapshot` on a connection of its own (copy-out.ts), bounded on its stalls
   * by `idleMs` (0 or absent: none). Counted as a statement.
   */
  copyOut?(query: SQL, snapshot: string, idleMs?: number): Promise<CopyOut>;
  /** Bulk-loads CSV text (no header) into a table with COPY, the fastest path of each driver. */
  copyCsv(table: string, columns: readonly string[], csv: string): Promise<void>;
  /**
   * LISTEN on a channel: `handler` gets each payload NOTIFYed by a committed transaction (from this
   * process or any other on the same database). `onListen` is called each time the LISTEN is in
   * place: first, and again after a lost connection is re-established (what was NOTIFYed in the
   * gap was not heard: catch up then). Resolves to the function that stops listening.
   */
  listen(channel: string, handler: (payload: string) => void, onListen?: () => void): Promise<() => Promise<void>>;
  /**
   * Runs one request's work (see request-scope.ts): once `stop` aborts, its statements are
   * refused and, on PostgreSQL, those running are cancelled on the server. The signal `work`
   * receives also aborts, with SERVICE_UNAVAILABLE, when the database is found unreachable: given
   * a controller (the request's own), the scope aborts it then; given a signal, a controller of its
   * own that follows the signal.
   */
  scope<T>(stop: AbortSignal | AbortController, work: (signal: AbortSignal) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * A statement, and its text with parameters once rendered: kept with it, so that it is rendered
 * once. `values` fill the statement's placeholders (drizzle's `sql.placeholder`), if it has any:
 * one rendering then serves every request that differs only in them (a page after a cursor).
 */
export interface Renderable {
  query: SQL;
  rendered?: Query;
  values?: Record<string, unknown>;
}

const dialect = new PgDialect();

/** A statement's text and parameters, its placeholders unfilled: rendered once, kept with it. */
export function renderOnce(statement: Renderable): Query {
  return (statement.rendered ??= dialect.sqlToQuery(statement.query));
}

/** A statement's text and the parameters it is sent with, its placeholders filled. */
function sendable(statement: Renderable): Query {
  const { sql: text, params } = renderOnce(statement);
  return { sql: text, params: statement.values ? fillPlaceholders(params, statement.values) : params };
}

/** Runs a rendered statement as drizzle's `execute` runs a query (same session, logging and counting). */
function executeRendered(db: Drizzle, statement: Renderable) {
  return db._.session.prepareQuery(sendable(statement), undefined, undefined, false).execute();
}

export interface OpenOptions {
  /** PostgreSQL URL; absent = PGlite. */
  url?: string;
  /** PGlite data folder; absent = in memory. */
  dataDir?: string;
  /** Keep every statement's text in `statements.log` (tests that record SQL). */
  recordSql?: boolean;
  max?: number;
  /** PostgreSQL's statement_timeout for the pool, ms (0 or absent: none). PGlite cannot enforce one. */
  statementTimeoutMs?: number;
}

export interface Statements {
  count: number;
  audit: number;
  log?: string[];
}

const AUDIT_STATEMENT = /"audit_log"|pg_advisory_xact_lock/;

function countingLogger(statements: Statements): Logger {
  return {
    logQuery(query: string) {
      if (AUDIT_STATEMENT.test(query)) {
        statements.audit += 1;
        return;
      }
      statements.count += 1;
      countStatement();
      statements.log?.push(query);
    },
  };
}

export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  const statements: Statements = { count: 0, audit: 0 };
  if (options.recordSql) statements.log = [];
  const logger = countingLogger(statements);
  if (options.url) return openPostgres(options.url, options, statements, logger);
  return openPglite(options.dataDir, statements, logger);
}

/** A connection attempt that takes longer than this has failed (the probe decides sooner). */
const CONNECT_TIMEOUT_S = 5;
/**
 * Seconds before a lost connection is tried again: postgres.js's default grows to 20 s and is
 * reset only by a success, so after an outage the pool could wait that long before serving again.
 */
const reconnectDelay = (attempt: number) => Math.min(0.05 * 2 ** attempt, 1);

async function openPostgres(
  url: string,
  options: OpenOptions,
  statements: Statements,
  logger: Logger,
): Promise<Database> {
  const client = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connect_timeout: CONNECT_TIMEOUT_S,
    backoff: reconnectDelay,
    connection: {
      // A prepared statement's generic plan estimated above jit_above_cost compiles its expressions
      // on every execution (128 of 338 ms of a 1,000-household page when forced): the API's
      // statements are short, JIT never pays for them.
      jit: "off",
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    },
  });
  poolConnections.set({ driver: "postgres" }, options.max ?? 10);
  const probe = postgresProbe(url);
  const availability = new Availability(probe.run);
  const tracked = trackedPostgres(client, availability);
  const db = drizzlePostgres(tracked, { schema, logger }) as unknown as Drizzle;
  return {
    driver: "postgres",
    db,
    statements,
    async rows<T>(query: SQL | Renderable) {
      const result = is(query, SQL) ? await db.execute(query) : await executeRendered(db, query);
      return [...(result as unknown as T[])];
    },
    async preparedRows<T>(query: SQL) {
      // As drizzle's `execute` issues it (same text, parameters and counting), prepared.
      const { sql: text, params } = dialect.sqlToQuery(query);
      logger.logQuery(text, params);
      return [...((await tracked.unsafe(text, params as never[], { prepare: true })) as unknown as T[])];
    },
    async rowsAsSent(statement) {
      // As drizzle's `execute` issues it (same text, parameters and counting), in postgres.js's raw mode.
      const { sql: text, params } = sendable(statement);
      logger.logQuery(text, params);
      const result = await tracked.unsafe(text, params as never[], { prepare: true }).raw();
      const names = result.columns.map((c) => c.name);
      return result.map((values) => Object.fromEntries(names.map((name, i) => [name, values[i] ?? null])));
    },
    copyOut: (query, snapshot, idleMs) =>
      copyOut(
        url,
        query,
        snapshot,
        (text) => logger.logQuery(text, []),
        // On the pool's own client: not refused when the request that ends the COPY is stopping.
        (pid) => client.unsafe("SELECT pg_terminate_backend($1::int)", [pid]),
        idleMs,
      ),
    async copyCsv(table, columns, csv) {
      // A dedicated single connection: postgres.js can hang a pooled connection after COPY.
      const copyClient = postgres(url, { max: 1, onnotice: () => {} });
      try {
        const cols = columns.map((c) => `"${c}"`).join(", ");
        const stream = await copyClient.unsafe(`COPY "${table}" (${cols}) FROM STDIN WITH (FORMAT csv)`).writable();
        await new Promise<void>((resolve, reject) => {
          stream.on("error", reject);
          stream.on("finish", () => resolve());
          stream.end(csv);
        });
      } finally {
        await copyClient.end();
      }
    },
    async listen(channel, handler, onListen) {
      // postgres.js LISTENs again by itself when its connection is lost, calling onListen each time.
      const { unlisten } = await client.listen(channel, handler, onListen);
      return unlisten;
    },
    async scope(stop, work) {
      // One controller, stopped by the request or by the database found unreachable (cheaper per
      // request than AbortSignal.any): the request's own when it is given, else one following its signal.
      const given = stop instanceof AbortSignal ? stop : null;
      const stopped = given ? new AbortController() : (stop as AbortController);
      const abort = (reason: unknown) => stopped.signal.aborted || stopped.abort(reason);
      const forward = () => abort(given!.reason);
      if (given?.aborted) forward();
      else given?.addEventListener("abort", forward, { once: true });
      const leave = availability.enter(abort);
      try {
        return await runInScope(stopped.signal, () => work(stopped.signal));
      } finally {
        leave();
        given?.removeEventListener("abort", forward);
      }
    },
    async close() {
      availability.close();
      await Promise.all([client.end({ timeout: 5 }), probe.close()]);
    },
  };
}

async function openPglite(dataDir: string | undefined, statements: Statements, logger: Logger): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // One process per folder (folder-lock.ts): a second one is refused here, before PGlite touches it.
  const unlock = dataDir ? lockFolder(dataDir) : () => {};
  let client: PGlite;
  try {
    client = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  } catch (error) {
    unlock();
    throw error;
  }
  poolConnections.set({ driver: "pglite" }, 1);
  const db = drizzlePglite(trackedPglite(client), { schema, logger }) as unknown as Drizzle;
  return {
    driver: "pglite",
    db,
    statements,
    async rows<T>(query: SQL | Renderable) {
      const result = (is(query, SQL) ? await db.execute(query) : await executeRendered(db, query)) as unknown as {
        rows: T[];
      };
      return result.rows;
    },
    async preparedRows<T>(query: SQL) {
      const result = (await db.execute(query)) as unknown as { rows: T[] };
      return result.rows;
    },
    async rowsAsSent(statement) {
      const result = (await executeRendered(db, statement)) as unknown as {
        rows: Record<string, Buffer | string | number | null>[];
      };
      return result.rows;
    },
    async copyCsv(table, columns, csv) {
      const cols = columns.map((c) => `"${c}"`).join(", ");
      await client.query(`COPY "${table}" (${cols}) FROM '/dev/blob' WITH (FORMAT csv)`, [], {
        blob: new Blob([csv]),
      });
    },
    async listen(channel, handler, onListen) {
      const unlisten = await client.listen(channel, handler);
      onListen?.();
      return async () => {
        if (!client.closed) await unlisten();
      };
    },
    // In-process: nothing to lose the connection to, and a running statement cannot be cancelled.
    scope: (stop, work) => {
      const signal = stop instanceof AbortSignal ? stop : stop.signal;
      return runInScope(signal, () => work(signal));
    },
    async close() {
      if (!client.closed) await client.close();
      unlock();
    },
  };
}
