import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { App } from "../../src/app.js";
import { alertHub } from "../../src/modules/monitoring/alert.stream.js";
import { authHeaders, createTestApp } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { loadExamples, type Example } from "../helpers/examples.js";
import { testServer } from "../helpers/server.js";

/** Headers for the department an example names; the public sends none. */
async function headersFor(department: string): Promise<Record<string, string>> {
  return department === "PUBLIC" ? {} : authHeaders(department);
}

/** Each write result in the answer: `ok` and no input errors, whatever the mutation is called. */
function writeResults(data: Record<string, unknown> | null | undefined) {
  return Object.values(data ?? {}) as { ok?: boolean; inputErrors?: unknown[]; error?: unknown }[];
}

/**
 * Every operation in schema/examples/ — the ones the query page preloads and the benches run — works
 * as written for the department its `# department:` line names, on the demo data: queries answer
 * without errors, mutations apply, and the subscription receives the alerts those mutations raise.
 */
describe("the example operations, each run by its department", () => {
  const examples = loadExamples();
  const ofKind = (kind: Example["kind"]) => examples.filter((e) => e.kind === kind);
  let database: TestDatabase;
  let app: App;
  let server: Server;
  const clients: Client[] = [];

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await createTestApp(database);
    server = testServer(app.handle);
    app.serveSubscriptions(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await app?.stop();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await database?.dispose();
  });

  it("has queries, mutations and a subscription, each naming a department the policy knows", () => {
    expect(ofKind("query").length).toBeGreaterThan(0);
    expect(ofKind("mutation").length).toBeGreaterThan(0);
    expect(ofKind("subscription").length).toBeGreaterThan(0);
    for (const example of examples) expect(app.contracts.has(example.department), example.name).toBe(true);
  });

  for (const example of loadExamples().filter((e) => e.kind === "query")) {
    it(`answers ${example.name} for ${example.department} without errors`, async () => {
      const { status, body } = await app.graphql({ query: example.query }, await headersFor(example.department));
      expect(body.errors).toBeUndefined();
      expect(status).toBe(200);
    });
  }

  it("applies every mutation for its department and delivers the alerts they raise to the subscription", async () => {
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    const hub = alertHub(database);
    const received = await Promise.all(
      ofKind("subscription").map(async (example) => {
        const client = createClient({
          url,
          webSocketImpl: WebSocket,
          connectionParams: await headersFor(example.department),
          retryAttempts: 0,
        });
        clients.push(client);
        const got = { name: example.name, events: [] as unknown[], errors: [] as unknown[] };
        client.subscribe(
          { query: example.query },
          {
            next: (result) => (result.errors ? got.errors.push(...result.errors) : got.events.push(result.data)),
            error: (error) => got.errors.push(error),
            complete: () => {},
          },
        );
        return got;
      }),
    );
    const deadline = Date.now() + 10_000;
    while (hub.size < received.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(hub.size).toBe(received.length);

    for (const example of ofKind("mutation")) {
      const { body } = await app.graphql({ query: example.query }, await headersFor(example.department));
      expect(body.errors, example.name).toBeUndefined();
      for (const result of writeResults(body.data)) {
        expect(result, example.name).toMatchObject({ ok: true, inputErrors: [] });
      }
    }

    while (received.some((r) => r.events.length === 0) && Date.now() < deadline + 10_000) {
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const got of received) {
      expect(got.errors, got.name).toEqual([]);
      expect(got.events.length, got.name).toBeGreaterThan(0);
    }
  });
});
