import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { Availability } from "../../src/db/availability.js";
import { runInScope } from "../../src/db/request-scope.js";
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
