import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { toGlobalId } from "../../src/shared/global-id.js";
import { authHeaders, createTestApp, testConfig } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { testServer } from "../helpers/server.js";

type BatchResult = {
  applied: number;
  unchanged: number;
  rejected: number;
  replayed: boolean;
  results: {
    index: number;
    id: string | null;
    status: string;
    version: number | null;
    code: string | null;
    currentVersion: number | null;
    inputErrors: { path: string[]; code: string }[];
  }[];
};

const RESULT = `applied unchanged rejected replayed
  results { index id status version code currentVersion inputErrors { path code } }`;

/** Integrators write in bulk: each record judged on its own, the valid ones applied together, once. */
describe("batch writes", () => {
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

  /** Members under 431221 not yet written by this file (version 1, not graduated). */
  async function pupils(n: number) {
    const rows = await database.rows<{
      id: number;
      version: number;
      household_id: number;
      schooling_status: string;
      education_level: string;
    }>(sql`
      SELECT m.id, m.version, m.household_id, m.schooling_status, m.education_level FROM members m
      WHERE m.village_code LIKE '431221%' AND m.schooling_status <> 'GRADUATED' AND m.version = 1
      ORDER BY m.id LIMIT ${n}`);
    expect(rows).toHaveLength(n);
    return rows.map((r) => ({ ...r, gid: toGlobalId("Member", r.id) }));
  }

  async function batch(
    field: string,
    inputType: string,
    input: object,
    headers: Record<string, string>,
    via: App = app,
  ) {
    const { body } = await via.graphql(
      {
        query: `mutation($input: ${inputType}!) { ${field}(input: $input) { ${RESULT} } }`,
        variables: { input } as Record<string, unknown>,
      },
      headers,
    );
    return body as {
      data?: Record<string, BatchResult> | null;
      errors?: { extensions?: { code?: string; argumentPath?: (string | number)[] } }[];
    };
  }

  const versionsOf = async (ids: number[]) =>
    new Map(
      (
        await database.rows<{ id: number; version: number }>(
          sql`SELECT id, version FROM members WHERE id IN ${sql.raw(`(${ids.join(",")})`)}`,
        )
      ).map((r) => [r.id, r.version]),
    );

  it("applies the valid records of a mixed batch and says per record what became of the others", async () => {
    const [a, b, c, d, e] = await pupils(5);
    const [, , , outside] = await database.rows<{ id: number }>(
      sql`SELECT id FROM members WHERE village_code LIKE '431202%' ORDER BY id LIMIT 4`,
    );
    const records = [
      { memberId: a!.gid, version: 1, schoolingStatus: "GRADUATED", reason: "病休" },
      { memberId: b!.gid, version: 1, schoolingStatus: b!.schooling_status, reason: "复核" }, // already so
      { memberId: c!.gid, version: 1, schoolingStatus: "GRADUATED", reason: " " }, // no reason
      { memberId: d!.gid, version: 7, schoolingStatus: "GRADUATED", reason: "病休" }, // stale
      { memberId: toGlobalId("Household", 1), version: 1, schoolingStatus: "GRADUATED", reason: "病休" }, // not a member
      { memberId: toGlobalId("Member", outside!.id), version: 1, schoolingStatus: "GRADUATED", reason: "病休" },
      {
        memberId: e!.gid,
        version: 1,
        schoolingStatus: "GRADUATED",
        educationLevel: e!.education_level === "PRIMARY" ? "JUNIOR_SECONDARY" : "PRIMARY",
        reason: "病休",
      },
    ];
    const events = async () =>
      (await database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM household_events`))[0]!.n;
    const before = await events();
    // An id that is not even well-formed refuses the whole batch before anything runs, naming the record.
    const malformed = await batch(
      "recordSchoolingBatch",
      "RecordSchoolingBatchInput",
      { records: [records[0], { ...records[4], memberId: "not-an-id" }] },
      await authHeaders("EDUCATION", "431221"),
    );
    expect(malformed.data ?? null).toBeNull();
    expect(malformed.errors?.map((e) => [e.extensions?.code, e.extensions?.argumentPath])).toEqual([
      ["BAD_USER_INPUT", ["recordSchoolingBatch", "input", "records", 1, "memberId"]],
    ]);
    expect(await events()).toBe(before);
    const body = await batch(
      "recordSchoolingBatch",
      "RecordSchoolingBatchInput",
      { records },
      await authHeaders("EDUCATION", "431221"),
    );
    expect(body.errors).toBeUndefined();
    const result = body.data!.recordSchoolingBatch!;
    expect(result).toMatchObject({ applied: 2, unchanged: 1, rejected: 4, replayed: false });
    expect(result.results.map((r) => [r.index, r.status, r.code, r.version])).toEqual([
      [0, "APPLIED", null, 2],
      [1, "UNCHANGED", null, 1],
      [2, "REJECTED", "INVALID_INPUT", null],
      [3, "REJECTED", "CONFLICT", null],
      [4, "REJECTED", "BAD_USER_INPUT", null],
      [5, "REJECTED", "FORBIDDEN", null],
      [6, "APPLIED", null, 2],
    ]);
    expect(result.results[2]!.inputErrors).toEqual([{ path: ["records", "2", "reason"], code: "REQUIRED" }]);
    expect(result.results[3]!.currentVersion).toBe(1);
    const versions = await versionsOf([a!.id, b!.id, c!.id, d!.id, e!.id]);
    expect([...versions.values()].sort()).toEqual([1, 1, 1, 2, 2]);
    expect(versions.get(a!.id)).toBe(2);
    expect(versions.get(e!.id)).toBe(2);
    // Record 0 changed one field, record 6 two: three history events.
    expect((await events()) - before).toBe(3);
  });

  it("costs the same number of statements for 20 records as for 400", async () => {
    const headers = await authHeaders("HEALTH", "431221");
    const costs: number[] = [];
    for (const n of [20, 400]) {
      const members = await pupils(n);
      const records = members.map((m) => ({
        memberId: m.gid,
        version: m.version,
        hasFamilyDoctorContract: true,
        healthStatus: "HEALTHY",
        reason: "签约服务季度导入",
      }));
      database.statements.count = 0;
      const body = await batch("recordHealthBatch", "RecordHealthBatchInput", { records }, headers);
      expect(body.errors).toBeUndefined();
      expect(body.data!.recordHealthBatch!.rejected).toBe(0);
      costs.push(database.statements.count);
    }
    // One UPDATE per distinct set of changed columns (two fields: at most three sets), never per row.
    expect(costs[1]).toBeLessThanOrEqual(costs[0]! + 2);
    expect(costs[1]).toBeLessThanOrEqual(8);
  });

  it("answers a retried batch with its first result and applies it only once, even after a dropped connection", async () => {
    const members = await pupils(50);
    const input = {
      idempotencyKey: "edu-import-2024-06-30-part-7",
      records: members.map((m) => ({
        memberId: m.gid,
        version: 1,
        schoolingStatus: "GRADUATED",
        reason: "学籍系统导入",
      })),
    };
    const headers = await authHeaders("EDUCATION", "431221");
    // The first call over a real socket, dropped by the client before any answer arrives.
    const server: Server = testServer(app.handle);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const controller = new AbortController();
    const sent = fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({
        query: `mutation($input: RecordSchoolingBatchInput!) { recordSchoolingBatch(input: $input) { applied } }`,
        variables: { input },
      }),
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 5);
    await expect(sent).rejects.toThrow();
    // The integrator retries with the same key (possibly while the first is still being applied).
    const retry = (await batch("recordSchoolingBatch", "RecordSchoolingBatchInput", input, headers)).data!
      .recordSchoolingBatch!;
    const again = (await batch("recordSchoolingBatch", "RecordSchoolingBatchInput", input, headers)).data!
      .recordSchoolingBatch!;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(retry.applied).toBe(50);
    expect(again).toEqual({ ...retry, replayed: true });
    const versions = await versionsOf(members.map((m) => m.id));
    expect([...new Set(versions.values())]).toEqual([2]);
    const [events] = await database.rows<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM household_events
      WHERE field = 'Member.schoolingStatus' AND new_value = '"GRADUATED"'::jsonb AND reason = '学籍系统导入'`);
    expect(events!.n).toBe(50);

    // The same key for other records is a mistake, not a replay.
    const reused = await batch(
      "recordSchoolingBatch",
      "RecordSchoolingBatchInput",
      { ...input, records: input.records.slice(1) },
      headers,
    );
    expect(reused.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("raises the alerts a batch causes, in the batch's transaction", async () => {
    const households = await database.rows<{ member_id: number; version: number; household_id: number }>(sql`
      SELECT DISTINCT ON (h.id) m.id AS member_id, m.version, h.id AS household_id
      FROM households h JOIN members m ON m.household_id = h.id
      WHERE h.village_code LIKE '431221%' AND m.version = 1 AND m.has_basic_medical_insurance
        AND NOT EXISTS (SELECT 1 FROM members o WHERE o.household_id = h.id AND NOT o.has_basic_medical_insurance)
      ORDER BY h.id, m.id LIMIT 3`);
    const body = await batch(
      "recordMedicalInsuranceBatch",
      "RecordMedicalInsuranceBatchInput",
      {
        records: households.map((h) => ({
          memberId: toGlobalId("Member", h.member_id),
          version: h.version,
          hasBasicMedicalInsurance: false,
          reason: "医保断缴名单",
        })),
      },
      await authHeaders("MEDICAL_INSURANCE", "431221"),
    );
    expect(body.data!.recordMedicalInsuranceBatch!.applied).toBe(3);
    const alerts = await database.rows<{ household_id: number; guarantee_item: string }>(sql`
      SELECT household_id, guarantee_item FROM risk_alerts
      WHERE household_id IN ${sql.raw(`(${households.map((h) => h.household_id).join(",")})`)} ORDER BY household_id`);
    expect(alerts).toEqual(
      households.map((h) => ({ household_id: h.household_id, guarantee_item: "BASIC_MEDICAL_CARE" })),
    );
  });

  it("refuses a batch above the configured size, and one for fields the department does not own", async () => {
    const small = await createApp({ ...testConfig, MAX_BATCH_RECORDS: 2 }, database);
    try {
      const members = await pupils(3);
      const records = members.map((m) => ({ memberId: m.gid, version: 1, schoolingStatus: "IN_SCHOOL", reason: "x" }));
      const tooMany = await batch(
        "recordSchoolingBatch",
        "RecordSchoolingBatchInput",
        { records },
        await authHeaders("EDUCATION", "431221"),
        small,
      );
      expect(tooMany.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      const health = await batch(
        "recordSchoolingBatch",
        "RecordSchoolingBatchInput",
        { records: records.slice(0, 1) },
        await authHeaders("HEALTH", "431221"),
        small,
      );
      // Schooling writes are outside health's contract: the mutation does not exist for it.
      expect(health.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(health.data ?? null).toBeNull();
    } finally {
      await small.stop();
    }
  });
});
