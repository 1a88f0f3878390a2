import type { Readable } from "node:stream";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { DeadlineExceededError } from "../shared/errors.js";

/**
 * `COPY (statement) TO STDOUT (FORMAT binary)` on PostgreSQL, in a transaction on an exported
 * snapshot: the rows of a statement at the speed of COPY, as the bytes PostgreSQL sends.
 *
 * It runs on a connection of its own, ended afterwards: postgres.js can hang a pooled connection
 * after a large COPY (porsager/postgres #499, #917). The snapshot is imported (`SET TRANSACTION
 * SNAPSHOT`) from the transaction that exported it, so the rows are exactly those that
 * transaction sees. The stream applies backpressure: postgres.js pauses the socket while the
 * stream's buffer is full, and PostgreSQL then waits on its send.
 *
 * Bounds. The COPY is one statement that lasts as long as its reader reads — an export of a
 * province to a slow client can legitimately take an hour — so it has no `statement_timeout`
 * (set to 0, whatever the role's or database's default). It is bounded on stalls instead, by
 * `idleMs` (the server's DATABASE_STATEMENT_TIMEOUT_MS, the bound each statement of a page gets):
 * its lock waits (`lock_timeout`: behind a DDL statement queued behind the export's own snapshot
 * transaction, it would otherwise wait for ever, that transaction waiting for it), the connection
 * idle in its transaction between statements (`idle_in_transaction_session_timeout`), PostgreSQL
 * sending nothing for that long before the COPY starts (here: it announces the COPY only with its
 * first rows, when its output buffer is flushed, so a statement slow to its first rows is silent
 * until then), and after it — by its reader, which knows when it waits on PostgreSQL rather than on
 * its own client — while the reader waits (`CopyOut.idleMs`). The reader's client is bounded by
 * EXPORT_STALL_SECONDS. 0: no bound.
 */
export interface CopyOut {
  /** The COPY's bytes (binary format: header, tuples, trailer), in chunks of any size. */
  readonly stream: Readable;
  /** Longest PostgreSQL may send nothing while the reader waits for it, ms (0: none). */
  readonly idleMs: number;
  /** Ends the COPY (cancelled on the server if it is still sending) and its connection. */
  close(): Promise<void>;
}

const dialect = new PgDialect();

/** An exported snapshot's id (`pg_export_snapshot()`): SET TRANSACTION takes no parameter. */
const SNAPSHOT_ID = /^[0-9A-F]+-[0-9A-F]+-[0-9]+$/i;

export async function copyOut(
  url: string,
  query: SQL,
  snapshot: string,
  log: (text: string) => void,
  terminate: (pid: number) => Promise<unknown>,
  idleMs = 0,
): Promise<CopyOut> {
  if (!SNAPSHOT_ID.test(snapshot)) throw new Error(`not a snapshot id: ${snapshot}`);
  const text = `COPY (${inlined(query)}) TO STDOUT (FORMAT binary)`;
  const client = postgres(url, {
    max: 1,
    onnotice: () => {},
    // The statement's literals are quoted for this setting (PostgreSQL's default since 9.1).
    connection: {
      standard_conforming_strings: "on",
      application_name: "xg-export",
      // As the pool's connections: JIT compiles the statement's expressions (about half a second)
      // for no gain, its time going to the functions that build JSON.
      jit: "off",
      statement_timeout: 0,
      ...(idleMs > 0 ? { lock_timeout: idleMs, idle_in_transaction_session_timeout: idleMs } : {}),
    },
  });
  // A COPY ended early is ended by terminating its backend (from `terminate`'s connection): one
  // waiting on a full socket acts on nothing else — not a cancel, and not the socket's close, which
  // postgres.js does by a FIN after which nothing reads the rows PostgreSQL keeps sending.
  let pid: number | null = null;
  let ended = false;
  let silent = false;
  let closed: Promise<void> | null = null;
  const close = () =>
    (closed ??= (async () => {
      if (!ended && pid !== null) await terminate(pid).catch(() => {});
      await client.end({ timeout: 0 });
    })());
  try {
    await client.unsafe("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await client.unsafe(`SET TRANSACTION SNAPSHOT '${snapshot}'`);
    pid = ((await client.unsafe("SELECT pg_backend_pid() AS pid")) as unknown as [{ pid: number }])[0].pid;
    log(text);
    // PostgreSQL announces the COPY with its first rows (when its output buffer is flushed): until
    // then its reader has no stream to watch, so a statement silent before them is ended here — a
    // little past lock_timeout, so that a wait for a lock is told as such.
    const bound = idleMs && idleMs + Math.min(idleMs / 4, 1000);
    const silence = bound
      ? setTimeout(() => {
          silent = true;
          void close();
        }, bound)
      : undefined;
    const stream = (await client
      .unsafe(text)
      .readable()
      .finally(() => clearTimeout(silence))) as Readable;
    if (silent) {
      // Announced as it was ended (PostgreSQL flushes its output as it exits): nothing reads its error.
      stream.on("error", () => {});
      throw copySilent(idleMs);
    }
    stream.once("end", () => (ended = true));
    return { stream, idleMs, close };
  } catch (error) {
    await close();
    throw silent
      ? copySilent(idleMs)
      : (error as { code?: string }).code === LOCK_NOT_AVAILABLE
        ? new DeadlineExceededError(
            `The export's rows waited longer than ${idleMs / 1000} s (DATABASE_STATEMENT_TIMEOUT_MS) for a table another statement is changing (a schema change): it was ended. Export again, or resume from the last page line.`,
          )
        : error;
  }
}

/** PostgreSQL sent nothing of the COPY for `idleMs` while its reader waited. */
export function copySilent(idleMs: number): DeadlineExceededError {
  return new DeadlineExceededError(
    `The database sent no row of the export for ${idleMs / 1000} s (DATABASE_STATEMENT_TIMEOUT_MS): it was ended. Resume from the last page line.`,
  );
}

/** `lock_timeout` ran out (the COPY takes no lock NOWAIT). */
const LOCK_NOT_AVAILABLE = "55P03";

/**
 * The statement's text with each parameter written in place as a literal: COPY takes no
 * parameters. A literal is untyped (`'…'`), as postgres.js sends a parameter it cannot infer a
 * type for, so PostgreSQL resolves both alike from their context; values postgres.js does type
 * (dates, booleans, bytes, bigints) are cast to that type.
 */
export function inlined(query: SQL): string {
  const { sql: text, params } = dialect.sqlToQuery(query);
  // Placeholders are $1…$n outside the statement's own quoted text (the compiler quotes identifiers
  // and writes values as parameters); `\d+` takes the whole number, so $1 never matches $10.
  return text.replace(/\$(\d+)\b/g, (_, n: string) => literal(params[Number(n) - 1]));
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (value instanceof Date) return `${quote(value.toISOString())}::timestamptz`;
  if (value instanceof Uint8Array) return `${quote(`\\x${Buffer.from(value).toString("hex")}`)}::bytea`;
  if (typeof value === "boolean") return `${value}`;
  if (typeof value === "bigint") return `${quote(String(value))}::int8`;
  if (typeof value === "number") return quote(String(value));
  if (typeof value === "string") return quote(value);
  if (Array.isArray(value)) return quote(arrayText(value));
  throw new Error(`a parameter of type ${typeof value} cannot be written as a literal`);
}

/** PostgreSQL's array input form, as postgres.js serialises an array parameter. */
function arrayText(values: readonly unknown[]): string {
  const items = values.map((v) =>
    v === null || v === undefined
      ? "NULL"
      : Array.isArray(v)
        ? arrayText(v)
        : `"${String(v instanceof Date ? v.toISOString() : v).replace(/[\\"]/g, "\\$&")}"`,
  );
  return `{${items.join(",")}}`;
}

function quote(text: string): string {
  if (text.includes("\u0000")) throw new Error("a text parameter holds a NUL character");
  return `'${text.replace(/'/g, "''")}'`;
}
