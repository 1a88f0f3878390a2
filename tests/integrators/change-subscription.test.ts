import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createApp, type App } from "../../src/app.js";
import { members } from "../../src/db/schema.js";
import { authHeaders, configWithKeys, request, testConfig } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { Facts } from "../helpers/facts.js";
import { testServer } from "../helpers/server.js";

interface Event {
  operation: string;
  id: string;
  changedFields: string[] | null;
  node: Record<string, unknown> | null;
}

/** An integrator that wants a push subscribes to `changed` and receives the feed's entries as they come. */
describe("changed subscription (graphql-ws)", () => {
  let database: TestDatabase;
  let app: App;
  let server: Server;
  let client: Client | undefined;
  let facts: Facts;

  beforeAll(async () => {
    database = await openTestDatabase({ seed: false });
    app = await createApp(configWithKeys({ CHANGES_POLL_MS: "100", JWT_SECRET: testConfig.JWT_SECRET! }), database);
    facts = new Facts(database);
    server = testServer(app.handle);
    app.serveSubscriptions(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    await client?.dispose();
    await app?.stopSubscriptions();
    await app?.stop();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await database?.dispose();
  });

  it("pushes the county's changes in order, masked, and nothing from elsewhere", async () => {
    const headers = await authHeaders("EDUCATION", "431221");
    const here = await facts.household({ region: "431221", members: [{ age: 40 }, { age: 10 }] });
    const there = await facts.household({ region: "431202", members: [{ age: 40 }, { age: 9 }] });
    const start = await request<{ changesPosition: string }>(app, { query: `{ changesPosition }` }, headers);

    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    client = createClient({ url, webSocketImpl: WebSocket, connectionParams: headers, retryAttempts: 0 });
    const events: Event[] = [];
    const errors: unknown[] = [];
    let arrived!: () => void;
    const twoArrived = new Promise<void>((resolve) => (arrived = resolve));
    client.subscribe(
      {
        query: `subscription ($after: String) {
          changed(after: $after, types: ["Member"]) {
            operation id changedFields node { id ... on Member { schoolingStatus idNumber } }
          }
        }`,
        variables: { after: start.data!.changesPosition },
      },
      {
        next: (result) => {
          if (result.errors) errors.push(...result.errors);
          if (result.data) events.push(result.data.changed as Event);
          if (events.length >= 2 || errors.length) arrived();
        },
        error: (error) => {
          errors.push(error);
          arrived();
        },
        complete: () => arrived(),
      },
    );

    // Written in this order: another county's child, a health change (not EDUCATION's), then two of ours.
    const child = here.members[1]!;
    await database.db
      .update(members)
      .set({ schoolingStatus: "DROPPED_OUT" })
      .where(eq(members.id, there.members[1]!.rowId));
    await database.db.update(members).set({ healthStatus: "CHRONIC_ILLNESS" }).where(eq(members.id, child.rowId));
    await database.db.update(members).set({ schoolingStatus: "DROPPED_OUT" }).where(eq(members.id, child.rowId));
    await database.db.update(members).set({ name: "改名" }).where(eq(members.id, here.members[0]!.rowId));
    await twoArrived;

    expect(errors).toEqual([]);
    expect(events.map((e) => [e.operation, e.id, e.changedFields])).toEqual([
      ["UPDATED", child.id, ["schoolingStatus"]],
      ["UPDATED", here.members[0]!.id, ["name"]],
    ]);
    expect(events[0]!.node).toMatchObject({ id: child.id, schoolingStatus: "DROPPED_OUT" });
    expect(JSON.stringify(events)).not.toMatch(/CHRONIC_ILLNESS|healthStatus/);
    expect(JSON.stringify(events)).not.toContain(there.members[1]!.id);
  });
});
