import { request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { createTestApp, tokenFor } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { testServer } from "../helpers/server.js";

/**
 * What an audit entry says must be what the server saw, not what the client claimed: the request
 * id is the server's, the purpose one the policy lists, and an officer reads only the entries of
 * readers within its own region.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INCOMES = `query Incomes { households(first: 2) { nodes { incomes { year perCapitaNetIncome } } } }`;
const MEMBERS = `query Names { members(first: 2) { nodes { name } } }`;
const INCOME_PURPOSES = ["MONITORING", "IDENTIFICATION", "ASSISTANCE_REVIEW", "INSPECTION"];

interface Entry {
  requestId: string;
  correlationId: string | null;
  purpose: string | null;
  purposeText: string | null;
  operationName: string | null;
}

describe("audit entries that say what the server saw", () => {
  let database: TestDatabase;
  let app: App;
  let server: Server;

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await createTestApp(database);
    server = testServer(app.handle);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await app?.stop();
    await database?.dispose();
  });

  const as = async (department: string, region: string, headers: Record<string, string> = {}) => ({
    authorization: `Bearer ${await tokenFor(department, region, `${department.toLowerCase()}-${region || "all"}`)}`,
    ...headers,
  });
  const entryCount = async () =>
    (await database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log`))[0]!.n;
  const lastEntries = (n: number) =>
    database.rows<Entry>(
      sql`SELECT request_id AS "requestId", correlation_id AS "correlationId", purpose, purpose_text AS "purposeText",
                 operation_name AS "operationName" FROM audit_log ORDER BY id DESC LIMIT ${n}`,
    );

  describe("request ids", () => {
    it("never lets a client choose an entry's request id: it sends another request's id, twice", async () => {
      const headers = await as("CIVIL_AFFAIRS", "431221", { "x-request-id": "victim-request-42" });
      await app.graphql({ query: MEMBERS, operationName: "Names" }, headers);
      await app.graphql({ query: MEMBERS, operationName: "Names" }, headers);
      const [second, first] = await lastEntries(2);
      for (const entry of [first!, second!]) {
        expect(entry.requestId).toMatch(UUID);
        expect(entry.correlationId).toBe("victim-request-42");
      }
      expect(first!.requestId).not.toBe(second!.requestId);
    });

    it("keeps a hostile X-Request-Id as a short, harmless correlation id, and echoes ours beside it", async () => {
      const hostile = `abc\u0000'; DROP TABLE audit_log;--<script>${"x".repeat(500)}`;
      await app.graphql({ query: MEMBERS }, await as("CIVIL_AFFAIRS", "431221", { "x-request-id": hostile }));
      const [entry] = await lastEntries(1);
      expect(entry!.correlationId).toMatch(/^abcDROPTABLEaudit_log--scriptxxx/);
      expect(entry!.correlationId!.length).toBe(128);

      // Over HTTP: our id in X-Request-Id (what the log and the audit say), theirs in X-Correlation-Id.
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-request-id": "client-7 <b>",
          ...(await as("CIVIL_AFFAIRS", "431221")),
        },
        body: JSON.stringify({ query: MEMBERS }),
      });
      expect(response.headers.get("x-request-id")).toMatch(UUID);
      expect(response.headers.get("x-correlation-id")).toBe("client-7b");
      const [overHttp] = await lastEntries(1);
      expect(overHttp!.requestId).toBe(response.headers.get("x-request-id"));
    });
  });

  describe("purposes", () => {
    it('refuses "x" — or any word not in the policy — naming the codes that would do, and reads nothing', async () => {
      const before = await entryCount();
      for (const purpose of ["x", "automated test", "because I can", "MONITORINGG"]) {
        const { body } = await app.graphql(
          { query: INCOMES },
          await as("CIVIL_AFFAIRS", "431221", { "x-purpose": purpose }),
        );
        expect(body.data).toBeNull();
        expect(body.errors).toHaveLength(1);
        expect(body.errors![0]!.extensions).toEqual({ code: "BAD_USER_INPUT", validPurposes: INCOME_PURPOSES });
        expect(body.errors![0]!.message).toMatch(/is not a purpose code of the policy: use one of MONITORING, /);
      }
      expect(await entryCount()).toBe(before);
    });

    it("refuses a real code that the incomes group does not accept", async () => {
      const { body } = await app.graphql(
        { query: INCOMES },
        await as("CIVIL_AFFAIRS", "431221", { "x-purpose": "STATISTICS: 年报" }),
      );
      expect(body.data).toBeNull();
      expect(body.errors).toHaveLength(1);
      expect(body.errors?.[0]).toMatchObject({
        message: `The purpose STATISTICS does not cover reading Household.incomes, HouseholdIncome.year, HouseholdIncome.perCapitaNetIncome: use one of ${INCOME_PURPOSES.join(", ")}.`,
        extensions: { code: "BAD_USER_INPUT", validPurposes: INCOME_PURPOSES },
      });
    });

    it("serves a listed code, with free text, and records both", async () => {
      const { body } = await app.graphql(
        { query: INCOMES, operationName: "Incomes" },
        await as("CIVIL_AFFAIRS", "431221", { "x-purpose": " assistance_review : 低保年审，第三季度 " }),
      );
      expect(body.errors).toBeUndefined();
      const [entry] = await lastEntries(1);
      expect(entry).toMatchObject({
        operationName: "Incomes",
        purpose: "ASSISTANCE_REVIEW",
        purposeText: "低保年审，第三季度",
      });
    });

    it("takes UTF-8 text as raw header bytes or percent-encoded, as HTTP clients send it", async () => {
      const { port } = server.address() as AddressInfo;
      const headers = await as("CIVIL_AFFAIRS", "431221", { "content-type": "application/json" });
      // Raw UTF-8 bytes (curl -H 'X-Purpose: MONITORING: 入户走访'): Node reads them as Latin-1.
      await new Promise<void>((resolve, reject) => {
        const req = request(
          {
            port,
            host: "127.0.0.1",
            path: "/graphql",
            method: "POST",
            headers: { ...headers, "x-purpose": Buffer.from("MONITORING: 入户走访", "utf8").toString("latin1") },
          },
          (res) => res.resume().on("end", resolve),
        );
        req.on("error", reject);
        // A Buffer body: a string one would make Node send the headers in its encoding (UTF-8) too.
        req.end(Buffer.from(JSON.stringify({ query: INCOMES })));
      });
      expect((await lastEntries(1))[0]).toMatchObject({ purpose: "MONITORING", purposeText: "入户走访" });
      // A browser's fetch cannot send non-Latin-1 headers: it percent-encodes.
      await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: "POST",
        headers: { ...headers, "x-purpose": `INSPECTION: ${encodeURIComponent("审计抽查 100%")}` },
        body: JSON.stringify({ query: INCOMES }),
      });
      expect((await lastEntries(1))[0]).toMatchObject({ purpose: "INSPECTION", purposeText: "审计抽查 100%" });
    });

    it("refuses text too long to be a reason, or that is not text", async () => {
      for (const text of ["很".repeat(201), "ok\u0007bell", "lone \ud800 surrogate"]) {
        const { body } = await app.graphql(
          { query: MEMBERS },
          await as("CIVIL_AFFAIRS", "431221", { "x-purpose": `MONITORING: ${text}` }),
        );
        expect(body.data).toBeNull();
        expect(body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
        expect(body.errors?.[0]?.message).toMatch(/X-Purpose text/);
      }
    });

    it("checks a purpose declared where none is required (it goes into the audit all the same)", async () => {
      const refused = await app.graphql({ query: MEMBERS }, await as("EDUCATION", "431221", { "x-purpose": "x" }));
      expect(refused.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(refused.body.errors?.[0]?.extensions?.validPurposes).toContain("SCHOOLING_CHECK");
      const none = await app.graphql({ query: MEMBERS, operationName: "Names" }, await as("EDUCATION", "431221"));
      expect(none.body.errors).toBeUndefined();
      expect((await lastEntries(1))[0]).toMatchObject({ purpose: null, purposeText: null });
    });

    it("asks no purpose of a department for a field outside its contract (that field is answered as one that does not exist)", async () => {
      const { body } = await app.graphql({ query: INCOMES }, await as("HEALTH", "431221"));
      expect(body.errors?.length).toBeGreaterThan(0);
      expect(body.errors!.every((e) => e.extensions?.code === "GRAPHQL_VALIDATION_FAILED")).toBe(true);
      expect(body.errors!.some((e) => /purpose/i.test(e.message))).toBe(false);
    });
  });

  describe("auditLog and accessLog, scoped by region", () => {
    const LOG = `{ auditLog(first: 100) { nodes { region department principal } } }`;
    type Node = { region: string; department: string; principal: string };
    const read = async (department: string, region: string) => {
      const { body } = await app.graphql({ query: LOG }, await as(department, region));
      expect(body.errors).toBeUndefined();
      return (body.data as { auditLog: { nodes: Node[] } }).auditLog.nodes;
    };

    beforeAll(async () => {
      // Health officers of two counties, the city's and a province-wide integrator read members.
      for (const region of ["431221", "431202", "4312", ""]) {
        await app.graphql({ query: MEMBERS }, await as("HEALTH", region));
      }
    });

    it("shows a county officer only the reads of principals within its county", async () => {
      const nodes = await read("HEALTH", "431221");
      expect(nodes.length).toBeGreaterThan(0);
      expect(new Set(nodes.map((n) => n.region))).toEqual(new Set(["431221"]));
      expect(new Set(nodes.map((n) => n.department))).toEqual(new Set(["HEALTH"]));
    });

    it("shows the registry owner of a county its county's reads of every department, and the city's owner the city's", async () => {
      const county = await read("RURAL_REVITALIZATION", "431221");
      expect(new Set(county.map((n) => n.region))).toEqual(new Set(["431221"]));
      expect(new Set(county.map((n) => n.department))).toEqual(new Set(["HEALTH", "CIVIL_AFFAIRS", "EDUCATION"]));
      const city = await read("RURAL_REVITALIZATION", "4312");
      expect(new Set(city.map((n) => n.region))).toEqual(new Set(["431221", "431202", "4312"]));
      const everywhere = await read("RURAL_REVITALIZATION", "");
      expect(everywhere.some((n) => n.region === "")).toBe(true);
    });

    it("scopes a household's access log the same way", async () => {
      const { body: page } = await app.graphql(
        { query: `{ households(first: 1, filter: { regionCode: "431221" }) { nodes { id } } }` },
        await as("RURAL_REVITALIZATION", "431221"),
      );
      const id = (page.data as { households: { nodes: { id: string }[] } }).households.nodes[0]!.id;
      // A county officer and the city's officer both read that household's members.
      for (const region of ["431221", "4312"]) {
        const { body } = await app.graphql(
          { query: `query($id: ID!) { household(id: $id) { members { name } } }`, variables: { id } },
          await as("HEALTH", region),
        );
        expect(body.errors).toBeUndefined();
      }
      const accessLog = async (region: string) => {
        const { body } = await app.graphql(
          { query: `query($id: ID!) { household(id: $id) { accessLog { region } } }`, variables: { id } },
          await as("RURAL_REVITALIZATION", region),
        );
        expect(body.errors).toBeUndefined();
        return (body.data as { household: { accessLog: { region: string }[] } }).household.accessLog.map(
          (e) => e.region,
        );
      };
      expect(new Set(await accessLog("4312"))).toEqual(new Set(["431221", "4312"]));
      expect(new Set(await accessLog("431221"))).toEqual(new Set(["431221"]));
    });
  });
});
