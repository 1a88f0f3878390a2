import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq, sql } from "drizzle-orm";
import { createClient, type Client } from "graphql-ws";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { App } from "../../src/app.js";
import { newApiKey } from "../../src/access/authenticate.js";
import { apiKeys } from "../../src/db/schema.js";
import { registerOperation } from "../../src/operations/operation.repository.js";
import { operationId } from "../../src/operations/safelist.js";
import { alertHub } from "../../src/modules/monitoring/alert.stream.js";
import { toGlobalId } from "../../src/shared/global-id.js";
import { authHeaders, createTestApp, testConfig, tokenFor } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { testServer } from "../helpers/server.js";

interface Received {
  events: Record<string, unknown>[];
  errors: { message: string; extensions?: { code?: string } }[];
  done: Promise<void>;
}

/** An alert raised by one department's write reaches, as it commits, every subscriber allowed to see it. */
describe("alertRaised subscription (graphql-ws)", () => {
  let database: TestDatabase;
  let app: App;
  let server: Server;
  let url: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await createTestApp(database);
    server = testServer(app.handle);
    app.serveSubscriptions(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await app?.stop();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await database?.dispose();
  });

  function connect(connectionParams: Record<string, string>, onClosed?: (code: number, reason: string) => void) {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: 0,
      lazy: true,
      on: {
        closed: (event) => onClosed?.((event as { code: number }).code, String((event as { reason?: unknown }).reason)),
      },
    });
    clients.push(client);
    return client;
  }

  async function subscribe(department: string, region: string, query: string): Promise<Received> {
    const { authorization } = await authHeaders(department, region);
    const client = connect({ authorization: authorization!, "x-purpose": "monitoring" });
    const received: Received = { events: [], errors: [], done: Promise.resolve() };
    received.done = new Promise<void>((resolve) => {
      client.subscribe(
        { query },
        {
          next: (result) => {
            if (result.errors) received.errors.push(...(result.errors as Received["errors"]));
            if (result.data) received.events.push(result.data.alertRaised as Record<string, unknown>);
          },
          error: (error) => {
            received.errors.push(...((Array.isArray(error) ? error : [error]) as Received["errors"]));
            resolve();
          },
          complete: resolve,
        },
      );
    });
    return received;
  }

  async function until(condition: () => boolean, what: string, ms = 10_000) {
    const start = Date.now();
    while (!condition()) {
      if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  const FULL = `subscription { alertRaised { id signal department household { id } member { id name }
    trigger { field newValue threshold valuesWithheld } } }`;

  it("delivers a health write's alert to the registry owner, withholds values from housing, and none out of scope", async () => {
    const hub = alertHub(database);
    const registry = await subscribe("RURAL_REVITALIZATION", "4312", FULL);
    const housing = await subscribe(
      "HOUSING",
      "431221",
      `subscription { alertRaised(regionCode: "431221") { signal trigger { field newValue valuesWithheld } } }`,
    );
    const elsewhere = await subscribe("HEALTH", "431202", `subscription { alertRaised { id signal } }`);
    // A field housing may not read, and a department with no part in monitoring: refused at subscribe.
    const nosy = await subscribe(
      "HOUSING",
      "431221",
      `subscription { alertRaised { member { medicalExpenseOutOfPocket } } }`,
    );
    const transport = await subscribe("TRANSPORT", "", `subscription { alertRaised { id } }`);
    await Promise.all([nosy.done, transport.done]);
    // Outside its contract a field does not exist for the department: refused by validation.
    expect(nosy.errors.map((e) => e.extensions?.code)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(nosy.errors[0]!.message).toMatch(/^Cannot query field "(member|medicalExpenseOutOfPocket)"/);
    expect(transport.errors.length).toBeGreaterThan(0);
    expect(
      transport.errors.every((e) => ["FORBIDDEN", "GRAPHQL_VALIDATION_FAILED"].includes(e.extensions?.code ?? "")),
    ).toBe(true);
    await until(() => hub.size === 3, "three listening subscribers");

    const [member] = await database.rows<{ id: number; version: number; household_id: number }>(sql`
      SELECT m.id, m.version, m.household_id FROM members m JOIN households h ON h.id = m.household_id
      WHERE h.village_code LIKE '431221%' AND h.status = 'EXITED' AND m.medical_expense_out_of_pocket < 1000
      ORDER BY m.id LIMIT 1`);
    const { body } = await app.graphql(
      {
        query: `mutation($input: RecordMedicalInsuranceInput!) { recordMedicalInsurance(input: $input) { ok } }`,
        variables: {
          input: {
            memberId: toGlobalId("Member", member!.id),
            version: member!.version,
            medicalExpenseOutOfPocket: 12000,
            medicalExpenseYear: new Date().getUTCFullYear(),
            reason: "住院结算",
          },
        },
      },
      await authHeaders("MEDICAL_INSURANCE", "431221"),
    );
    expect(body.data?.recordMedicalInsurance).toEqual({ ok: true });

    await until(() => registry.events.length === 1 && housing.events.length === 1, "both subscribers in scope");
    expect(registry.errors).toEqual([]);
    expect(registry.events[0]).toMatchObject({
      signal: "MEDICAL_EXPENSE",
      department: "MEDICAL_INSURANCE",
      household: { id: toGlobalId("Household", member!.household_id) },
      member: { id: toGlobalId("Member", member!.id) },
      trigger: { field: "Member.medicalExpenseOutOfPocket", newValue: "12000", threshold: 5000, valuesWithheld: false },
    });
    expect(housing.events[0]).toEqual({
      signal: "MEDICAL_EXPENSE",
      trigger: { field: "Member.medicalExpenseOutOfPocket", newValue: null, valuesWithheld: true },
    });
    // Give the out-of-scope subscriber every chance to (wrongly) receive it.
    await new Promise((r) => setTimeout(r, 300));
    expect(elsewhere.events).toEqual([]);

    // Each delivered event with personal data is in the read audit, with the household: the
    // registry owner's (a member's name, the values) and housing's (the trigger; withheld values are not read).
    const entries = await database.rows<{ department: string; fields: string[]; household_ids: number[] }>(
      sql`SELECT department, fields, household_ids FROM audit_log WHERE correlation_id LIKE 'ws:%' ORDER BY id`,
    );
    const byDepartment = new Map(entries.map((e) => [e.department, e]));
    expect([...byDepartment.keys()].sort()).toEqual(["HOUSING", "RURAL_REVITALIZATION"]);
    expect(byDepartment.get("RURAL_REVITALIZATION")).toMatchObject({ household_ids: [member!.household_id] });
    expect(byDepartment.get("RURAL_REVITALIZATION")!.fields).toContain("Member.name");
    expect(byDepartment.get("HOUSING")).toMatchObject({ household_ids: [member!.household_id] });
    expect(byDepartment.get("HOUSING")!.fields).toContain("AlertTrigger.field");
    expect(byDepartment.get("HOUSING")!.fields).not.toContain("AlertTrigger.newValue");
  });

  it("lets an integrator's key bound to registered operations subscribe with those only", async () => {
    const { key, prefix, hash } = newApiKey();
    const [row] = await database.db
      .insert(apiKeys)
      .values({ name: "监测平台", prefix, keyHash: hash, department: "RURAL_REVITALIZATION", region: "431221" })
      .returning({ id: apiKeys.id });
    const registered = `subscription Registered { alertRaised { id } }`;
    await registerOperation(database.db, {
      apiKeyId: row!.id,
      operationId: operationId(registered),
      name: "Registered",
      document: registered,
    });
    const client = connect({ "x-api-key": key });
    const refused = await new Promise<unknown[]>((resolve) =>
      client.subscribe(
        { query: `subscription Other { alertRaised { id signal } }` },
        {
          next: () => {},
          error: (error) => resolve(Array.isArray(error) ? error : [error]),
          complete: () => resolve([]),
        },
      ),
    );
    expect(refused).toMatchObject([{ extensions: { code: "OPERATION_NOT_REGISTERED" } }]);
    const hub = alertHub(database);
    const listening = hub.size;
    client.subscribe({ query: registered }, { next: () => {}, error: () => {}, complete: () => {} });
    await until(() => hub.size === listening + 1, "the registered subscription listening");
  });

  it("stops delivering to an integrator whose API key is revoked mid-subscription", async () => {
    const { key, prefix, hash } = newApiKey();
    const [row] = await database.db
      .insert(apiKeys)
      .values({ name: "监测平台", prefix, keyHash: hash, department: "RURAL_REVITALIZATION", region: "431221" })
      .returning({ id: apiKeys.id });
    let closedWith = 0;
    // Parameter names are matched like headers, whatever their case.
    const client = connect({ "X-Api-Key": key }, (code) => (closedWith = code));
    const events: unknown[] = [];
    client.subscribe(
      { query: `subscription { alertRaised { id signal } }` },
      { next: (r) => events.push(r), error: () => {}, complete: () => {} },
    );
    const hub = alertHub(database);
    const listening = hub.size;
    await until(() => hub.size === listening + 1, "the integrator listening");
    await database.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, row!.id));

    const [member] = await database.rows<{ id: number; version: number }>(sql`
      SELECT m.id, m.version FROM members m JOIN households h ON h.id = m.household_id
      WHERE h.village_code LIKE '431221%' AND m.schooling_status = 'IN_SCHOOL'
        AND m.birth_date BETWEEN (current_date - interval '12 years') AND (current_date - interval '8 years')
        AND NOT EXISTS (SELECT 1 FROM risk_alerts a WHERE a.household_id = h.id)
      ORDER BY m.id LIMIT 1`);
    const { body } = await app.graphql(
      {
        query: `mutation($input: RecordSchoolingInput!) { recordSchooling(input: $input) { ok } }`,
        variables: {
          input: {
            memberId: toGlobalId("Member", member!.id),
            version: member!.version,
            schoolingStatus: "DROPPED_OUT",
            reason: "家访核实",
          },
        },
      },
      await authHeaders("EDUCATION", "431221"),
    );
    expect(body.data?.recordSchooling).toEqual({ ok: true });
    await until(() => closedWith !== 0, "the socket closed");
    expect(closedWith).toBe(4401);
    expect(JSON.stringify(events)).not.toContain("SCHOOL_DROPOUT");
  });

  /** Connects with `params`, subscribes, and resolves with how the socket closed. */
  async function closeOf(params: Record<string, string>): Promise<{ code: number; reason: string }> {
    let closed = { code: 0, reason: "" };
    const client = connect(params, (code, reason) => (closed = { code, reason }));
    await new Promise<void>((resolve) =>
      client.subscribe(
        { query: `subscription { alertRaised { id } }` },
        { next: () => {}, error: () => resolve(), complete: resolve },
      ),
    );
    return closed;
  }

  it("refuses bad credentials at connection with 4401 and the reason, and queries over the socket", async () => {
    expect(await closeOf({ authorization: "Bearer not-a-token" })).toEqual({
      code: 4401,
      reason: "The token is invalid.",
    });
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ department: "HEALTH", region: "431221" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("expired-officer")
      .setIssuedAt(now - 7200)
      .setExpirationTime(now - 3600)
      .sign(new TextEncoder().encode(testConfig.JWT_SECRET!));
    expect(await closeOf({ authorization: `Bearer ${expired}` })).toEqual({
      code: 4401,
      reason: "The token has expired.",
    });
    expect(await closeOf({ "x-api-key": "xg_00000000_unknown" })).toEqual({
      code: 4401,
      reason: "The API key is invalid or revoked.",
    });

    const token = await tokenFor("RURAL_REVITALIZATION", "");
    const client = connect({ authorization: `Bearer ${token}` });
    const errors: { extensions?: { code?: string } }[] = [];
    await new Promise<void>((resolve) =>
      client.subscribe(
        { query: `{ villages(first: 1) { totalCount } }` },
        {
          next: () => {},
          error: (e) => {
            errors.push(...(e as typeof errors));
            resolve();
          },
          complete: resolve,
        },
      ),
    );
    expect(errors.map((e) => e.extensions?.code)).toEqual(["BAD_REQUEST"]);
  });

  it("answers a region outside the subscriber's scope with an error, not silence", async () => {
    const outside = await subscribe("HEALTH", "431221", `subscription { alertRaised(regionCode: "431202") { id } }`);
    await outside.done;
    expect(outside.errors.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    expect(outside.errors[0]!.message).toBe(
      "Region 431202 is outside your scope (431221): you would never receive an alert from it. Subscribe to 431221 or a region under it.",
    );
  });

  it("sends a text value of the trigger as the value itself", async () => {
    const hub = alertHub(database);
    const listening = hub.size;
    const registry = await subscribe(
      "RURAL_REVITALIZATION",
      "431221",
      `subscription { alertRaised(regionCode: "431221") { signal trigger { field oldValue newValue } } }`,
    );
    await until(() => hub.size === listening + 1, "the registry owner listening");
    const [member] = await database.rows<{ id: number; version: number }>(sql`
      SELECT m.id, m.version FROM members m JOIN households h ON h.id = m.household_id
      WHERE h.village_code LIKE '431221%' AND m.schooling_status = 'IN_SCHOOL'
        AND m.birth_date BETWEEN (current_date - interval '12 years') AND (current_date - interval '8 years')
        AND NOT EXISTS (SELECT 1 FROM risk_alerts a WHERE a.household_id = h.id)
      ORDER BY m.id DESC LIMIT 1`);
    const { body } = await app.graphql(
      {
        query: `mutation($input: RecordSchoolingInput!) { recordSchooling(input: $input) { ok } }`,
        variables: {
          input: {
            memberId: toGlobalId("Member", member!.id),
            version: member!.version,
            schoolingStatus: "DROPPED_OUT",
            reason: "家访核实",
          },
        },
      },
      await authHeaders("EDUCATION", "431221"),
    );
    expect(body.data?.recordSchooling).toEqual({ ok: true });
    await until(() => registry.events.length === 1, "the dropout alert");
    expect(registry.events[0]).toEqual({
      signal: "SCHOOL_DROPOUT",
      trigger: { field: "Member.schoolingStatus", oldValue: "IN_SCHOOL", newValue: "DROPPED_OUT" },
    });
  });
});
