import { request as httpRequest, type IncomingMessage } from "node:http";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { inlined } from "../../src/db/copy-out.js";
import { authHeaders, request } from "../helpers/app.js";
import { onPostgres, openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { serve, type RunningServer } from "../helpers/server.js";

/**
 * On PostgreSQL an export's rows after its first page are PostgreSQL's own COPY of the compiled
 * statement, read in the export's snapshot on a connection of its own (src/db/copy-out.ts): the
 * rows are the snapshot's, the COPY ends when its reader does, and the statement's parameters,
 * written in place as literals (COPY takes none), select what the parameters would.
 */

let database: TestDatabase;
let running: RunningServer | undefined;
let app: App;
let origin: string;

beforeAll(async () => {
  if (!onPostgres) return;
  database = await openTestDatabase({ seed: "demo", recordSql: true });
  running = await serve(database);
  ({ app, origin } = running);
});

afterAll(async () => {
  await running?.close();
  await database?.dispose();
});

/** Starts an export and holds its response unread once it has begun (its first page is read). */
function begun(body: { query: string }, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      new URL("/export", origin),
      { method: "POST", headers: { "content-type": "application/json", ...headers } },
      (res) => {
        res.pause();
        resolve(res);
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

function rest(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => (text += chunk));
    res.on("end", () => resolve(text));
    res.on("error", reject);
    res.resume();
  });
}

/** The backends running an export's COPY on the test's database. */
async function copying(): Promise<{ state: string; query: string }[]> {
  return database.rows(
    sql`SELECT state, query FROM pg_stat_activity WHERE application_name = 'xg-export' AND datname = current_database()`,
  );
}

describe.skipIf(!onPostgres)("an export on PostgreSQL", () => {
  it("reads its rows after the first page by COPY in its own snapshot: a change committed meanwhile is not in it", async () => {
    const headers = await authHeaders("RURAL_REVITALIZATION");
    const body = { query: `query All { members { nodes { id name } } }` };
    const before = (await request(app, { query: `{ members(first: 1) { totalCount } }` }, headers)).data as {
      members: { totalCount: number };
    };
    const [last] = await database.rows<{ id: number; name: string }>(
      sql`SELECT id, name FROM members ORDER BY id DESC LIMIT 1`,
    );
    database.statements.log!.length = 0;
    const res = await begun(body, headers);
    // The export has its snapshot (the header says so); the last member, far beyond the first page, changes.
    expect(res.headers["x-export-snapshot"]).toEqual(expect.any(String));
    await database.rows(sql`UPDATE members SET name = '改名' WHERE id = ${last!.id}`);
    try {
      const lines = (await rest(res))
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const rows = lines.filter((l) => !("@export" in l));
      expect(rows).toHaveLength(before.members.totalCount);
      expect(rows.at(-1)!.name).toBe(last!.name);
      expect(lines.at(-1)).toMatchObject({ "@export": "end", rows: before.members.totalCount });
      expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    } finally {
      await database.rows(sql`UPDATE members SET name = ${last!.name} WHERE id = ${last!.id}`);
    }
    expect(database.statements.log!.filter((s) => s.startsWith("COPY ("))).toHaveLength(1);
    expect(database.statements.log!.some((s) => s.startsWith("DECLARE"))).toBe(false);
  });

  it("cancels its COPY on the server when the reader stops, and ends its connection", async () => {
    const holder = postgres(database.url!, { max: 1, onnotice: () => {} });
    try {
      await holder.unsafe("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      const [{ id }] = (await holder.unsafe("SELECT pg_export_snapshot() AS id")) as unknown as [{ id: string }];
      const copy = await database.copyOut!(sql`SELECT g::text FROM generate_series(1, 20000000) AS g`, id);
      // Read one chunk, then nothing: far more rows than any buffer wait behind it.
      for await (const chunk of copy.stream as AsyncIterable<Buffer>) {
        expect(chunk.length).toBeGreaterThan(0);
        break;
      }
      expect(await copying()).toMatchObject([{ state: "active", query: expect.stringMatching(/^COPY \(/) }]);
      await copy.close();
      let left = await copying();
      for (let attempt = 0; attempt < 100 && left.length; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        left = await copying();
      }
      expect(left).toEqual([]);
    } finally {
      await holder.end();
    }
  });

  it("waits for a table locked by a schema change no longer than a statement may run, then ends", async () => {
    // The export's snapshot transaction (here the holder) read its first page before a schema
    // change asked for the table: the COPY queues behind the change, which waits for that
    // transaction, which waits for the COPY — a cycle PostgreSQL cannot see, through the server.
    const holder = postgres(database.url!, { max: 1, onnotice: () => {} });
    const changer = postgres(database.url!, { max: 1, onnotice: () => {} });
    try {
      await holder.unsafe("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      const [{ id }] = (await holder.unsafe("SELECT pg_export_snapshot() AS id")) as unknown as [{ id: string }];
      await changer.unsafe("BEGIN");
      await changer.unsafe("LOCK TABLE villages IN ACCESS EXCLUSIVE MODE");
      const started = performance.now();
      // Told as a wait for the table (lock_timeout), not as the COPY's silence, which it also is.
      await expect(database.copyOut!(sql`SELECT code FROM villages`, id, 500)).rejects.toMatchObject({
        message: expect.stringContaining("schema change"),
        extensions: { code: "DEADLINE_EXCEEDED" },
      });
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(await copying()).toEqual([]);
    } finally {
      await changer.end();
      await holder.end();
    }
  });

  it("writes the statement's parameters in place as literals that select what the parameters do", async () => {
    const values = {
      quote: 'it\'s a "quote" and a back\\slash',
      number: 42,
      date: "2026-12-02T06:00:00Z",
      flag: true,
      none: null,
      list: ["431202", "a,b", 'x"y', "it's"],
      numbers: [1, 2, 3],
    };
    const query = sql`SELECT ${values.quote}::text AS quote, ${values.number} + 1 AS number, ${values.date}::timestamptz AS date,
      ${values.flag} AS flag, ${values.none}::text AS none, ${sql.param(values.list)}::text[] AS list,
      3 = ANY(${sql.param(values.numbers)}::int[]) AS found, ${"$1"}::text AS dollar`;
    const text = inlined(query);
    const [parameterised] = await database.rows(query);
    const [literal] = await database.rows(sql.raw(text));
    expect(literal).toEqual(parameterised);
    expect(literal).toMatchObject({
      quote: values.quote,
      number: 43,
      flag: true,
      none: null,
      found: true,
      dollar: "$1",
    });
  });
});
