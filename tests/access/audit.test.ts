import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { loadAuditKeys } from "../../src/access/audit-keys.js";
import { verifyAuditChain } from "../../src/access/audit-verify.js";
import { toGlobalId } from "../../src/shared/global-id.js";
import { authHeaders, createTestApp, request, testConfig } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";

interface Entry {
  principal: string;
  department: string;
  operationName: string | null;
  fields: string[];
  recordCount: number;
  purpose: string | null;
  purposeText: string | null;
  requestId: string;
  correlationId: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("the read audit", () => {
  let database: TestDatabase;
  let app: App;

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await createTestApp(database);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.dispose();
  });

  const lastEntries = (n: number) =>
    database.rows<Entry & { household_ids: number[] }>(
      sql`SELECT principal, department, operation_name AS "operationName", fields, record_count AS "recordCount",
                 purpose, purpose_text AS "purposeText", request_id AS "requestId",
                 correlation_id AS "correlationId", household_ids FROM audit_log ORDER BY id DESC LIMIT ${n}`,
    );

  it("records personal data a write returns, as it records a read", async () => {
    const [member] = await database.rows<{ id: number; version: number; household_id: number }>(
      sql`SELECT id, version, household_id FROM members WHERE village_code LIKE '431221%' ORDER BY id DESC LIMIT 1`,
    );
    const { body } = await app.graphql(
      {
        query: `mutation DoctorSigned($input: RecordHealthInput!) { recordHealth(input: $input) { ok record { name hasFamilyDoctorContract } } }`,
        operationName: "DoctorSigned",
        variables: {
          input: {
            memberId: toGlobalId("Member", member!.id),
            version: member!.version,
            hasFamilyDoctorContract: true,
            reason: "家庭医生签约",
          },
        },
      },
      { ...(await authHeaders("HEALTH", "431221")), "x-request-id": "req-audit-write" },
    );
    expect(body.errors).toBeUndefined();
    const [entry] = await lastEntries(1);
    expect(entry).toMatchObject({
      department: "HEALTH",
      operationName: "DoctorSigned",
      correlationId: "req-audit-write",
    });
    expect(entry!.requestId).toMatch(UUID);
    expect([...entry!.fields].sort()).toEqual(["Member.hasFamilyDoctorContract", "Member.name"]);
    expect(entry!.household_ids).toEqual([member!.household_id]);
  });

  it("records a health officer's read of members: who, which fields, how many, why", async () => {
    const headers = {
      ...(await authHeaders("HEALTH", "431221")),
      "x-purpose": "INSURANCE_CHECK: 参保核查",
      "x-request-id": "req-audit-1",
    };
    const { body } = await app.graphql(
      {
        query: `query InsuranceCheck { members(first: 7) { nodes { name idNumber hasBasicMedicalInsurance } } }`,
        operationName: "InsuranceCheck",
      },
      headers,
    );
    expect(body.errors).toBeUndefined();
    const [entry] = await lastEntries(1);
    expect(entry).toMatchObject({
      principal: "test-health",
      department: "HEALTH",
      operationName: "InsuranceCheck",
      recordCount: 7,
      purpose: "INSURANCE_CHECK",
      purposeText: "参保核查",
      correlationId: "req-audit-1",
    });
    expect(entry!.requestId).toMatch(UUID);
    expect([...entry!.fields].sort()).toEqual(["Member.hasBasicMedicalInsurance", "Member.idNumber", "Member.name"]);
    expect(entry!.household_ids.length).toBeGreaterThan(0);
  });

  it("writes nothing for reads without personal data", async () => {
    const [before] = await database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log`);
    await app.graphql(
      { query: `{ villages(first: 5) { nodes { name povertyStatus } } }` },
      await authHeaders("HEALTH"),
    );
    const [after] = await database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log`);
    expect(after!.n).toBe(before!.n);
  });

  it("refuses incomes without a declared purpose, with a clear FORBIDDEN", async () => {
    const { authorization } = await authHeaders("CIVIL_AFFAIRS");
    const { body } = await app.graphql(
      { query: `{ households(first: 2) { nodes { incomes { year perCapitaNetIncome } } } }` },
      { authorization: authorization! },
    );
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(body.errors?.[0]?.message).toMatch(/X-Purpose/);
  });

  it("answers for the registry owner who read a household's personal data, when and why", async () => {
    const page = await request<{ households: { nodes: { id: string }[] } }>(
      app,
      { query: `{ households(first: 1, filter: { regionCode: "431221" }) { nodes { id members { name } } } }` },
      await authHeaders("EDUCATION", "431221"),
    );
    const household = page.data!.households.nodes[0]!;
    const read = await request<{ household: { accessLog: { department: string; fields: string[] }[] } }>(app, {
      query: `query($id: ID!) { household(id: $id) { accessLog { department principal fields recordCount purpose } } }`,
      variables: { id: household.id },
    });
    const log = read.data!.household.accessLog;
    expect(log[0]).toMatchObject({ department: "EDUCATION", fields: ["Member.name"], purpose: "MONITORING" });
  });

  it("shows the registry owner every entry and other departments only their own", async () => {
    type Log = { auditLog: { nodes: { department: string }[] } };
    const all = await request<Log>(app, { query: `{ auditLog(first: 100) { nodes { department } } }` });
    const departments = new Set(all.data!.auditLog.nodes.map((n) => n.department));
    expect(departments.has("HEALTH") && departments.has("EDUCATION")).toBe(true);
    const own = await request<Log>(
      app,
      { query: `{ auditLog(first: 100) { totalCount nodes { department } } }` },
      await authHeaders("HEALTH"),
    );
    const nodes = own.data!.auditLog.nodes;
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.every((n) => n.department === "HEALTH")).toBe(true);
    const publicRead = await app.graphql({ query: `{ auditLog(first: 1) { nodes { department } } }` }, {});
    expect(publicRead.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("keeps an intact keyed chain, and detects an entry altered directly in the database", async () => {
    const anchor = loadAuditKeys(testConfig, { generate: false });
    expect(await verifyAuditChain(database, anchor)).toMatchObject({ ok: true, problems: [] });
    const [entry] = await database.rows<{ id: number }>(sql`SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 1`);
    // The database itself refuses to change an entry...
    await expect(database.rows(sql`UPDATE audit_log SET record_count = 0 WHERE id = ${entry!.id}`)).rejects.toThrow();
    await expect(database.rows(sql`DELETE FROM audit_log WHERE id = ${entry!.id}`)).rejects.toThrow();
    // ...so a tamperer must first disable the trigger: the chain still gives it away.
    await database.rows(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
    await database.rows(sql`UPDATE audit_log SET record_count = record_count + 1 WHERE id = ${entry!.id}`);
    await database.rows(sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
    const report = await verifyAuditChain(database, anchor);
    expect(report.ok).toBe(false);
    expect(report.brokenAt).toEqual({ id: Number(entry!.id), reason: expect.stringMatching(/differs from its HMAC/) });
  });
});
