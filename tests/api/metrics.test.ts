import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_OPERATIONS } from "../../src/observability/metrics.js";
import { databaseCause } from "../../src/shared/error-masking.js";
import { logTo, setLogLevel } from "../../src/shared/log.js";
import { authHeaders } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { Facts } from "../helpers/facts.js";
import { post, serve, type RunningServer } from "../helpers/server.js";

const METRICS_TOKEN = "scrape-me-please-0123456789";
const INSURANCE_CHECK = `query InsuranceCheck { members(first: 5) { nodes { name idNumber hasBasicMedicalInsurance } } }`;

let database: TestDatabase;
let server: RunningServer;
beforeAll(async () => {
  database = await openTestDatabase({ seed: false });
  const facts = new Facts(database);
  await facts.household({ region: "431221" });
  server = await serve(database, { METRICS_TOKEN });
});
afterAll(async () => {
  await server?.close();
  await database?.dispose();
});

async function scrape(): Promise<string> {
  const response = await fetch(`${server.origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/plain");
  return response.text();
}

/** A sample's value in Prometheus' text format (0 when absent), its labels given in any order. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? "").split(",");
    if (wanted.every((w) => have.includes(w))) return Number(match[3]);
  }
  return 0;
}

describe("an operator watching the API (/metrics)", () => {
  it("sees an officer's request counted by operation, department and outcome, with its time and statements", async () => {
    const labels = { operation: "InsuranceCheck", department: "HEALTH" };
    const before = await scrape();
    const response = await post(server.origin, { query: INSURANCE_CHECK }, await authHeaders("HEALTH", "431221"));
    expect(response.status).toBe(200);
    const after = await scrape();
    const delta = (name: string, l: Record<string, string>) => sample(after, name, l) - sample(before, name, l);
    expect(delta("xg_graphql_requests_total", { ...labels, outcome: "OK" })).toBe(1);
    expect(delta("xg_graphql_request_duration_seconds_count", labels)).toBe(1);
    expect(delta("xg_graphql_request_statements_count", { operation: "InsuranceCheck" })).toBe(1);
    expect(delta("xg_graphql_request_statements_sum", { operation: "InsuranceCheck" })).toBeGreaterThanOrEqual(1);
    // The read of names and id numbers was audited: its group commit is timed.
    expect(delta("xg_audit_flush_lag_seconds_count", {})).toBeGreaterThanOrEqual(1);
    expect(sample(after, "xg_db_pool_connections", { driver: database.driver })).toBeGreaterThanOrEqual(1);
    expect(after).toContain("# TYPE xg_db_statements_in_flight gauge");
    expect(after).toContain("# TYPE xg_alert_notification_lag_seconds histogram");
    expect(after).toContain("# TYPE xg_process_resident_memory_bytes gauge");
  });

  it("labels a request by the operation GraphQL chose, and by its error code however long the errors", async () => {
    const before = await scrape();
    // No operationName in the request: the document's one operation is the one run.
    const named = await post(server.origin, {
      query: "query ChosenByTheDocument { villages(first: 1) { totalCount } }",
    });
    expect(named.status).toBe(200);
    // Forty misspelt fields: an answer of errors well beyond a few kilobytes.
    const misspelt = Array.from({ length: 40 }, (_, i) => `f${i}: nameMisspelt${"x".repeat(40)}`).join(" ");
    const refused = await post(
      server.origin,
      { query: `query ManyMistakes { villages(first: 1) { nodes { ${misspelt} } } }` },
      await authHeaders("HEALTH", "431221"),
    );
    expect((await refused.text()).length).toBeGreaterThan(4096);
    const after = await scrape();
    const delta = (l: Record<string, string>) =>
      sample(after, "xg_graphql_requests_total", l) - sample(before, "xg_graphql_requests_total", l);
    expect(delta({ operation: "ChosenByTheDocument", outcome: "OK" })).toBe(1);
    expect(delta({ operation: "ManyMistakes", outcome: "GRAPHQL_VALIDATION_FAILED" })).toBe(1);
    expect(delta({ operation: "ManyMistakes", outcome: "OK" })).toBe(0);
  });

  it("sees refused requests counted by the limit that refused them and the code answered", async () => {
    const before = await scrape();
    const refused = await post(
      server.origin,
      { query: "{ villages(first: 1) { totalCount } }" },
      { "x-api-key": "xg_bad" },
    );
    expect(refused.status).toBe(401);
    const after = await scrape();
    const labels = { limit: "authentication", code: "UNAUTHENTICATED" };
    expect(
      sample(after, "xg_http_rejected_requests_total", labels) -
        sample(before, "xg_http_rejected_requests_total", labels),
    ).toBe(1);
    expect(
      sample(after, "xg_graphql_requests_total", {
        operation: "anonymous",
        department: "none",
        outcome: "UNAUTHENTICATED",
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  it("keeps the metrics from anyone without METRICS_TOKEN", async () => {
    expect((await fetch(`${server.origin}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${server.origin}/metrics`, {
      headers: { authorization: "Bearer not-the-token-at-all" },
    });
    expect(wrong.status).toBe(401);
  });

  it("keeps the number of operation labels bounded whatever names clients invent", async () => {
    for (let i = 0; i < MAX_OPERATIONS + 20; i++) {
      await server.app.graphql({ query: `query Invented${i} { __typename }` }, {});
    }
    await server.app.graphql({ query: `query ${"Long".repeat(20)} { __typename }` }, {});
    const text = await scrape();
    const operations = new Set(
      [...text.matchAll(/^xg_graphql_requests_total\{operation="([^"]+)"/gm)].map((m) => m[1]),
    );
    expect(operations.size).toBeLessThanOrEqual(MAX_OPERATIONS + 2);
    expect(operations).toContain("other");
  });
});

describe("an operator reading the request log", () => {
  it("finds one line per request with its ids, principal, operation, time, statements and outcome, and no values", async () => {
    const lines: string[] = [];
    logTo({ write: (line: string) => void lines.push(line) });
    setLogLevel("info");
    try {
      const response = await post(
        server.origin,
        {
          query: `query FindMember($region: String) { members(first: 5, filter: { regionCode: $region }) { nodes { name idNumber } } }`,
          variables: { region: "431221" },
        },
        { ...(await authHeaders("HEALTH", "431221")), "x-request-id": "ops-trace-7" },
      );
      expect(response.status).toBe(200);
      const { data } = (await response.json()) as {
        data: { members: { nodes: { name: string; idNumber: string }[] } };
      };
      expect(data.members.nodes.length).toBeGreaterThan(0);
      const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.message === "request");
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        level: "info",
        requestId: response.headers.get("x-request-id"),
        correlationId: "ops-trace-7",
        department: "HEALTH",
        region: "431221",
        via: "jwt",
        operation: "FindMember",
        status: 200,
      });
      expect(entries[0]!.outcome).toMatch(/^(OK|[A-Z_]+)$/);
      expect(entries[0]!.statements).toEqual(expect.any(Number));
      expect(entries[0]!.durationMs).toEqual(expect.any(Number));
      const all = lines.join("");
      for (const member of data.members.nodes) {
        expect(all).not.toContain(member.name);
        expect(all).not.toContain(member.idNumber);
      }
      expect(all).not.toContain("test-health");
    } finally {
      setLogLevel("silent");
      logTo(null);
    }
  });

  it("names PostgreSQL's code and message of a failed statement, the offending value withheld", async () => {
    const idNumber = "430000199001011234";
    const outOfRange = await database.rows(sql`SELECT ${idNumber}::int AS n`).catch((e: unknown) => e);
    expect(databaseCause(outOfRange)).toMatchObject({
      pgCode: "22003",
      pgMessage: 'value "(withheld)" is out of range for type integer',
    });
    const malformed = await database.rows(sql`SELECT ${"王某"}::int AS n`).catch((e: unknown) => e);
    expect(databaseCause(malformed)).toMatchObject({
      pgCode: "22P02",
      pgMessage: 'invalid input syntax for type integer: "(withheld)"',
    });
    const duplicate = await database
      .rows(
        sql`INSERT INTO api_keys (name, prefix, key_hash, department) VALUES ('a', 'p', ${"f".repeat(64)}, 'HEALTH'), ('b', 'p', ${"f".repeat(64)}, 'HEALTH')`,
      )
      .catch((e: unknown) => e);
    expect(databaseCause(duplicate)).toMatchObject({
      pgCode: "23505",
      pgMessage: 'duplicate key value violates unique constraint "api_keys_key_hash_unique"',
    });
    const logged = JSON.stringify([outOfRange, malformed, duplicate].map(databaseCause));
    expect(logged).not.toContain(idNumber);
    expect(logged).not.toContain("王某");
    expect(logged).not.toContain("ffff");
  });
});
