import { request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { ExportSlots } from "../../src/export/export-slots.js";
import { TEST_PURPOSE, testConfig, tokenFor } from "../helpers/app.js";
import { onPostgres, openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { testServer } from "../helpers/server.js";

/**
 * An export holds a connection and a transaction for as long as its client reads: a server takes
 * only so many at once (EXPORT_MAX_CONCURRENT), and one integrator only so many of them
 * (EXPORT_MAX_PER_PRINCIPAL). Beyond either, the export is refused at once — 429 EXPORT_BUSY with
 * Retry-After — instead of queueing behind the others.
 */

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

let database: TestDatabase;
let app: App;
let server: Server;
let origin: string;

beforeAll(async () => {
  // The stories over HTTP run on PostgreSQL only (see below): PGlite needs no demo tier here.
  if (!onPostgres) return;
  database = await openTestDatabase({ seed: "demo" });
  // Small pages: each export runs long enough (many pages) for the others to arrive meanwhile.
  app = await createApp(
    { ...testConfig, EXPORT_MAX_CONCURRENT: 2, EXPORT_MAX_PER_PRINCIPAL: 1, EXPORT_PAGE_SIZE: 50 },
    database,
  );
  server = testServer(app.handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 240_000);

afterAll(async () => {
  await app?.stop();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await database?.dispose();
});

const HOUSEHOLDS = `{ households { nodes { id householdNumber members { name } } } }`;

/** An integrator's key: a principal of its own (its token's subject). */
const integrator = async (sub: string) => ({
  authorization: `Bearer ${await tokenFor("RURAL_REVITALIZATION", "", sub)}`,
  "x-purpose": TEST_PURPOSE,
});

function exportOf(headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      new URL("/export", origin),
      { method: "POST", agent: false, headers: { "content-type": "application/json", ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers["retry-after"] as string | undefined,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify({ query: HOUSEHOLDS }));
  });
}

const codeOf = (answer: Answer) =>
  (JSON.parse(answer.body) as { errors: { extensions: Record<string, unknown> }[] }).errors[0]!.extensions;

// On PGlite the one connection is the export's while it runs: a second request waits (to be
// authenticated, even) until the first export ends, so exports never overlap there.
describe("exports running at once", () => {
  it.skipIf(!onPostgres)(
    "lets one integrator run one export at a time: a second is refused with EXPORT_BUSY and Retry-After",
    async () => {
      const headers = await integrator("nightly-sync");
      const answers = await Promise.all([exportOf(headers), exportOf(headers)]);
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([200, 429]);
      const refused = answers.find((a) => a.status === 429)!;
      expect(refused.retryAfter).toMatch(/^[1-9][0-9]*$/);
      expect(codeOf(refused)).toMatchObject({ code: "EXPORT_BUSY", limit: "principal", max: 1 });
      // The export that ran is whole.
      const done = answers.find((a) => a.status === 200)!;
      expect(done.body.trimEnd().split("\n").at(-1)).toContain('"@export":"end"');
      // Its slot is given back when it ends: the next export of the same integrator runs.
      expect((await exportOf(headers)).status).toBe(200);
    },
  );

  it.skipIf(!onPostgres)(
    "takes at most EXPORT_MAX_CONCURRENT exports of all integrators at once, and frees their places",
    async () => {
      const headers = await Promise.all(["school-roll", "insurance", "data-centre"].map((sub) => integrator(sub)));
      const answers = await Promise.all(headers.map((h) => exportOf(h)));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 429]);
      const refused = answers.find((a) => a.status === 429)!;
      expect(codeOf(refused)).toMatchObject({ code: "EXPORT_BUSY", limit: "server", max: 2 });
      expect(refused.retryAfter).toBeDefined();
      // Refused and finished exports hold nothing: all three run one after another.
      for (const h of headers) expect((await exportOf(h)).status).toBe(200);
    },
  );

  it("gives a place back once, whatever ends the export", () => {
    const slots = new ExportSlots(2, 1);
    const first = slots.take("a");
    expect(() => slots.take("a")).toThrow(expect.objectContaining({ status: 429 }));
    first.release();
    first.release();
    expect(slots.active).toBe(0);
    const again = slots.take("a");
    slots.take("b");
    expect(() => slots.take("c")).toThrow(/as many exports/);
    again.release();
    expect(slots.take("c")).toBeDefined();
  });
});
