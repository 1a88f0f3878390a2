import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authHeaders, request } from "../helpers/app.js";
import { onPostgres, openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { serve, type RunningServer } from "../helpers/server.js";

/**
 * An export's COPY has no statement_timeout: it lasts as long as its client reads. When PostgreSQL,
 * not the client, is the one that goes quiet — a plan that spends minutes before its next row, a
 * stuck backend — nothing from it for DATABASE_STATEMENT_TIMEOUT_MS ends the COPY: before its
 * first rows by copyOut (src/db/copy-out.ts), after them by its reader (src/export/export-copy.ts).
 * Here the rows' source is a view that sleeps for the COPY only, so the first page comes as usual.
 */

/** The bound under test, and how long the rows' source goes silent: far beyond it. */
const BOUND_MS = 500;
const SILENCE_S = 20;

let database: TestDatabase;
let running: RunningServer | undefined;

beforeAll(async () => {
  if (!onPostgres) return;
  database = await openTestDatabase({ seed: "demo" });
  // Small pages: the first is read as a query's, the rest by COPY.
  running = await serve(database, { DATABASE_STATEMENT_TIMEOUT_MS: String(BOUND_MS), EXPORT_PAGE_SIZE: "5" });
});

afterAll(async () => {
  await running?.close();
  await database?.dispose();
});

/**
 * `table` as a source that answers the export's COPY (its connection's application_name) at once
 * up to the row whose id is `from`, and only after SILENCE_S from there; every other reader at once.
 */
async function silentForTheCopy<T>(table: "villages" | "members", from: number, work: () => Promise<T>): Promise<T> {
  await database.rows(sql.raw(`ALTER TABLE ${table} RENAME TO ${table}_kept`));
  await database.rows(
    sql.raw(`CREATE VIEW ${table} AS SELECT * FROM ${table}_kept
      WHERE CASE WHEN current_setting('application_name') = 'xg-export' AND id >= ${from}
        THEN (SELECT true FROM pg_sleep(${SILENCE_S})) ELSE true END`),
  );
  try {
    return await work();
  } finally {
    await database.rows(sql.raw(`DROP VIEW ${table}`));
    await database.rows(sql.raw(`ALTER TABLE ${table}_kept RENAME TO ${table}`));
  }
}

type Line = Record<string, unknown>;

/** An export of `query`, read to its end: its lines and how long it took, ms. */
async function exported(query: string, headers: Record<string, string>): Promise<{ lines: Line[]; elapsed: number }> {
  const started = performance.now();
  const response = await fetch(new URL("/export", running!.origin), {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query }),
  });
  expect(response.status).toBe(200);
  const lines = (await response.text())
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
  return { lines, elapsed: performance.now() - started };
}

const rowsOf = (lines: Line[]) => lines.filter((l) => !("@export" in l));

/** The backends on the test's database other than this one that run a statement or hold a transaction. */
function busy(): Promise<{ application_name: string; state: string; query: string }[]> {
  return database.rows(
    sql`SELECT application_name, state, query FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid()
        AND (application_name = 'xg-export' OR state <> 'idle' OR xact_start IS NOT NULL)`,
  );
}

async function settled(): Promise<Awaited<ReturnType<typeof busy>>> {
  let left = await busy();
  for (let attempt = 0; attempt < 100 && left.length; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = await busy();
  }
  return left;
}

/**
 * The export's last line says the COPY was ended for its silence, soon after the bound — not after
 * the source's silence — with the rows and token of the last page line the client received.
 */
function expectEndedForSilence(lines: Line[], elapsed: number) {
  const pages = lines.filter((l) => l["@export"] === "page");
  const last = pages.at(-1)!;
  expect(rowsOf(lines)).toHaveLength(last.rows as number);
  expect(lines.at(-1)).toMatchObject({
    "@export": "error",
    rows: last.rows,
    resume: last.resume,
    error: { extensions: { code: "DEADLINE_EXCEEDED" } },
  });
  expect(elapsed).toBeGreaterThanOrEqual(BOUND_MS);
  expect(elapsed).toBeLessThan(BOUND_MS + 5_000);
}

/** The COPY's backend is gone and the export's snapshot transaction ended; the next request is answered. */
async function expectNothingLeft(headers: Record<string, string>) {
  expect(await settled()).toEqual([]);
  const answer = await request(running!.app, { query: `{ villages(first: 1) { totalCount } }` }, headers);
  expect(answer.errors).toBeUndefined();
  expect(answer.data).toMatchObject({ villages: { totalCount: expect.any(Number) } });
}

describe.skipIf(!onPostgres)("an export whose database goes silent", () => {
  it("before the COPY's first rows is ended with DEADLINE_EXCEEDED soon after DATABASE_STATEMENT_TIMEOUT_MS, leaving nothing running", async () => {
    const headers = await authHeaders("RURAL_REVITALIZATION");
    const { lines, elapsed } = await silentForTheCopy("villages", 0, () =>
      exported(`query Villages { villages { nodes { code name } } }`, headers),
    );
    // The first page (read as a query's), then nothing of the COPY.
    expect(rowsOf(lines)).toHaveLength(5);
    expectEndedForSilence(lines, elapsed);
    await expectNothingLeft(headers);
  });

  it("after the COPY's first rows is ended with DEADLINE_EXCEEDED soon after DATABASE_STATEMENT_TIMEOUT_MS, leaving nothing running", async () => {
    const headers = await authHeaders("RURAL_REVITALIZATION");
    // Far more than PostgreSQL's output buffer (8 kB) of rows before the silence: the COPY has
    // started and sent some when it goes quiet.
    const [from] = await database.rows<{ id: number }>(sql`SELECT id FROM members ORDER BY id OFFSET 400 LIMIT 1`);
    const { lines, elapsed } = await silentForTheCopy("members", from!.id, () =>
      exported(`query Members { members { nodes { id name } } }`, headers),
    );
    expect(rowsOf(lines).length).toBeGreaterThan(5);
    expect(rowsOf(lines).length).toBeLessThanOrEqual(400);
    expectEndedForSilence(lines, elapsed);
    await expectNothingLeft(headers);
  });
});
