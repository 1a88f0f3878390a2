import { createServer, connect, type AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { Availability } from "../../src/db/availability.js";
import { openDatabase } from "../../src/db/client.js";
import { databaseFailure } from "../../src/db/failures.js";
import { ClientGoneError, runInScope } from "../../src/db/request-scope.js";
import { trackedPostgres } from "../../src/db/statement-tracking.js";
import { onPostgres } from "../helpers/database.js";

/**
 * A client that hangs up stops its request, and the statements the request has running are
 * cancelled on the server. A statement of that request may be waiting on its connection behind
 * another request's (postgres.js pipelines them): cancelling it there once handed its answer to
 * the next statement on the connection — another request got the wrong rows, or none, or hung.
 */
describe.skipIf(!onPostgres)("a request stopped while its statement waits on a shared connection", () => {
  // One connection, so that the statements of three requests queue on it.
  const client = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  const availability = new Availability(() => Promise.resolve("answered" as const));
  const sql = trackedPostgres(client, availability);
  afterAll(() => client.end());

  it("leaves the other requests' answers whole", async () => {
    await sql.unsafe("select 1");
    const first = runInScope(new AbortController().signal, async () =>
      sql.unsafe("select pg_sleep(0.3), 'first' as tag"),
    );
    const gone = new AbortController();
    const stopped = runInScope(gone.signal, async () => sql.unsafe("select 'stopped' as tag")).then(
      (rows) => rows[0]?.tag as string,
      (error: Error) => error.message,
    );
    const third = runInScope(new AbortController().signal, async () => sql.unsafe("select 'third' as tag"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    gone.abort(new Error("client gone"));
    const answers = await Promise.race([
      Promise.all([first, third]).then(([a, c]) => [a[0]?.tag, c[0]?.tag]),
      new Promise((resolve) => setTimeout(() => resolve("the connection hung"), 5000)),
    ]);
    expect(answers).toEqual(["first", "third"]);
    // The stopped request's own statement ran to its end or was refused; either way it is its own.
    expect(["stopped", "client gone"]).toContain(await stopped);
    expect((await sql.unsafe("select 'after' as tag"))[0]?.tag).toBe("after");
  });
});

/**
 * A statement cancelled while its rows were streaming (its request stopped, or its deadline
 * passed) ends in an error after some rows. postgres.js counted those rows on the connection and
 * never reset the count, so the next statement on that connection — another request's — wrote its
 * rows after that many empty slots: a one-row statement came back as `[ <empty>, row ]`, read as
 * no row at all (an INTERNAL error), or rows of the wrong length were mapped by position.
 */
describe.skipIf(!onPostgres)("a statement whose answer is cut short by an error", () => {
  it("leaves the next statement on its connection its own rows, and only them", async () => {
    const database = await openDatabase({ url: process.env.DATABASE_URL!, max: 1 });
    try {
      // Three rows are sent, then the fourth divides by zero: the same as a cancel mid-answer.
      const cut = database.rows(sql`SELECT g, 1 / (4 - g) AS q FROM generate_series(1, 10) g`).then(
        () => "answered",
        (error: Error) => (error.cause as Error | undefined)?.message ?? error.message,
      );
      const next = database.rows<{ n: number }>(sql`SELECT 7 AS n`);
      const nextAsSent = database.rowsAsSent({ query: sql`SELECT 8 AS n` });
      expect(await cut).toBe("division by zero");
      const rows = await next;
      expect(rows.length).toBe(1);
      expect(rows[0]).toEqual({ n: 7 });
      const sent = await nextAsSent;
      expect(sent.length).toBe(1);
      expect(String(sent[0]!.n)).toBe("8");
    } finally {
      await database.close();
    }
  });
});

/**
 * A cancel acts on whatever its connection runs when the server receives it. A request stops
 * while its statement runs; the statement ends before the cancel arrives, and the next statement
 * on the connection — another request's — is the one stopped. Here cancels are slowed down (they
 * go through a proxy that holds each new connection), so that the cancel always arrives late.
 */
describe.skipIf(!onPostgres)("a cancel that arrives after its statement has ended", () => {
  it("does not fail the next request's statement on that connection", async () => {
    const target = new URL(process.env.DATABASE_URL!);
    const lateProxy = createServer((socket) => {
      socket.pause();
      setTimeout(() => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        socket.pipe(upstream).pipe(socket);
        const end = () => (socket.destroy(), upstream.destroy());
        socket.on("error", end).on("close", end);
        upstream.on("error", end).on("close", end);
        socket.resume();
      }, 300);
    });
    await new Promise<void>((resolve) => lateProxy.listen(0, "127.0.0.1", resolve));
    const viaProxy = new URL(target);
    viaProxy.host = `127.0.0.1:${(lateProxy.address() as AddressInfo).port}`;
    const database = await openDatabase({ url: viaProxy.toString(), max: 1 });
    try {
      await database.rows(sql`SELECT 1`);
      const gone = new AbortController();
      const stopped = database
        .scope(gone.signal, () => database.rows(sql`SELECT pg_sleep(0.1), 'stopped' AS tag`))
        .catch((error: Error) => error.message);
      // Sent behind the first on the one connection; still running when the late cancel arrives.
      const next = database
        .scope(new AbortController().signal, () =>
          database.rows<{ tag: string }>(sql`SELECT pg_sleep(0.6), 'next' AS tag`),
        )
        .then(
          (rows) => rows.map((row) => row.tag),
          (error: Error) => (error.cause as Error | undefined)?.message ?? error.message,
        );
      await new Promise((resolve) => setTimeout(resolve, 20));
      gone.abort(new ClientGoneError());
      await stopped;
      expect(await next).toEqual(["next"]);
    } finally {
      await database.close();
      lateProxy.close();
    }
  });
});

/** What one request asks: a distinct number, so that its answer is recognisably its own. */
const SHAPES = [
  {
    query: (i: number) => sql`SELECT ${i}::int AS id, 'single' AS kind, pg_sleep(${(i % 7) / 400}) AS s`,
    rows: (i: number) => [{ id: String(i), kind: "single", s: "" }],
  },
  {
    query: (i: number) => sql`SELECT ${i}::int AS total, ${i + 1}::int AS fetched, pg_sleep(${(i % 5) / 400}) AS s`,
    rows: (i: number) => [{ total: String(i), fetched: String(i + 1), s: "" }],
  },
  {
    // Rows leave one by one while the statement runs: a cancel lands in the middle of its answer.
    query: (i: number) => sql`SELECT g AS n, ${i}::int AS of, pg_sleep(0.002) AS s FROM generate_series(1, 4) g`,
    rows: (i: number) => [1, 2, 3, 4].map((n) => ({ n: String(n), of: String(i), s: "" })),
  },
];

/** A value as text, whichever way the driver gave it (rows: parsed, rowsAsSent: bytes). */
function asText(rows: Record<string, unknown>[]): unknown[] {
  return Array.from(rows, (row) =>
    row === undefined
      ? "<empty slot>"
      : Object.fromEntries(
          Object.entries(row).map(([k, v]) => [k, v === null ? null : Buffer.isBuffer(v) ? v.toString() : String(v)]),
        ),
  );
}

describe.skipIf(!onPostgres)("many requests on a small pool, a share of them stopped at random moments", () => {
  it("answers every request that completes with its own rows, and fails none with an internal error", async () => {
    const database = await openDatabase({ url: process.env.DATABASE_URL!, max: 3 });
    const requests = 1500;
    const tally = { requests, stopped: 0, answered: 0, wrong: 0, failedUnstopped: 0, internal: 0 };
    const wrong: unknown[] = [];
    const internal: string[] = [];
    const unstopped: string[] = [];
    try {
      const one = async (i: number) => {
        const client = new AbortController();
        // Half the clients hang up: before, while or after their statement runs.
        if (i % 2 === 1) {
          tally.stopped++;
          setTimeout(() => client.abort(new ClientGoneError()), (i * 37) % 60);
        }
        const shape = SHAPES[i % SHAPES.length]!;
        const asSent = i % 4 < 2;
        try {
          const rows = await database.scope(client.signal, () =>
            asSent ? database.rowsAsSent({ query: shape.query(i) }) : database.rows(shape.query(i)),
          );
          tally.answered++;
          const got = asText(rows);
          if (JSON.stringify(got) !== JSON.stringify(shape.rows(i))) {
            tally.wrong++;
            wrong.push({ request: i, got });
          }
        } catch (error) {
          if (client.signal.aborted) return;
          tally.failedUnstopped++;
          const cause = (error as Error).cause as { code?: string; message?: string } | undefined;
          unstopped.push(`${cause?.code ?? ""} ${cause?.message ?? String(error)}`.slice(0, 120));
          // A typed failure (the database's, the deadline's) is answered as such; anything else is INTERNAL.
          if (databaseFailure(error) === null) {
            tally.internal++;
            internal.push(String(error).slice(0, 200));
          }
        }
      };
      let next = 0;
      await Promise.all(
        Array.from({ length: 12 }, async () => {
          while (next < requests) await one(next++);
        }),
      );
    } finally {
      await database.close();
    }
    console.log("stopped requests on a shared pool:", JSON.stringify(tally), unstopped.slice(0, 5));
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(internal.slice(0, 5)).toEqual([]);
  });
});
