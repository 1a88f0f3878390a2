import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { decodeId, toGlobalId } from "../../src/shared/global-id.js";
import { makeIdNumber } from "../../src/shared/id-number.js";
import { authHeaders, createTestApp, request } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";

type Result = {
  ok: boolean;
  unchanged: boolean;
  record: Record<string, unknown> | null;
  inputErrors: { path: string[]; code: string; message: string }[];
  error: { code: string; currentVersion: number | null } | null;
};

/** The registry owner (乡村振兴局) registers households and members, assigns helpers, and keeps projects, assets and agencies. */
describe("the registry owner's writes", () => {
  let database: TestDatabase;
  let app: App;
  let registry: Record<string, string>;
  let village: { id: string; code: string };
  let sequence = 500;

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await createTestApp(database);
    registry = await authHeaders("RURAL_REVITALIZATION", "431221");
    const [row] = await database.rows<{ id: number; code: string }>(
      sql`SELECT id, code FROM villages WHERE code LIKE '431221%' ORDER BY id LIMIT 1`,
    );
    village = { id: toGlobalId("Village", row!.id), code: row!.code };
  });
  afterAll(async () => {
    await app?.stop();
    await database?.dispose();
  });

  async function mutate(
    field: string,
    inputType: string,
    input: object,
    headers: Record<string, string> = registry,
    record = "id version",
  ) {
    const body = await request<Record<string, Result>>(
      app,
      {
        query: `mutation($input: ${inputType}!) { ${field}(input: $input) { ok unchanged inputErrors { path code message } error { code currentVersion } record { ${record} } } }`,
        variables: { input },
      },
      headers,
    );
    return { body, result: body.data?.[field] };
  }

  const villageVersion = async () =>
    (await database.rows<{ version: number }>(sql`SELECT version FROM villages WHERE code = ${village.code}`))[0]!
      .version;

  const count = async (table: string) =>
    (await database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`))[0]!.n;

  /** A fresh person: a valid identity number born in Huaihua's 麻阳 county, never used before. */
  function person(relation: string, birthDate: string, gender: "MALE" | "FEMALE", name = "张三") {
    sequence += 1;
    return {
      name,
      idNumber: makeIdNumber("431226", birthDate, sequence, gender),
      gender,
      birthDate,
      relation,
      labourCapacity: "NORMAL",
    };
  }

  function household(overrides: object = {}) {
    sequence += 1;
    return {
      villageCode: village.code,
      householdNumber: `${village.code}${String(9000 + sequence).padStart(5, "0")}`,
      address: "三组12号",
      attribute: "GENERAL",
      primaryCause: "ILLNESS",
      otherCauses: ["LACK_OF_SKILLS"],
      identifiedYear: 2024,
      identifiedOn: "2024-03-15",
      members: [person("HEAD", "1975-06-01", "MALE", "李建国"), person("SPOUSE", "1978-02-10", "FEMALE", "王秀英")],
      reason: "农户申请、村民评议、乡镇审核公示",
      ...overrides,
    };
  }

  describe("registering households and members", () => {
    it("registers a household with its members, and reads it back with its history", async () => {
      const input = household();
      const { body, result } = await mutate(
        "registerHousehold",
        "RegisterHouseholdInput",
        input,
        registry,
        "id version householdNumber status identifiedYear primaryCause otherCauses members { name relation idNumber gender birthDate } history { kind toStatus reason department }",
      );
      expect(body.errors).toBeUndefined();
      expect(result).toMatchObject({ ok: true, unchanged: false, inputErrors: [], error: null });
      expect(result!.record).toMatchObject({
        version: 1,
        householdNumber: input.householdNumber,
        status: "POOR",
        identifiedYear: 2024,
        primaryCause: "ILLNESS",
        otherCauses: ["LACK_OF_SKILLS"],
        history: [{ kind: "IDENTIFIED", toStatus: "POOR", reason: input.reason, department: "RURAL_REVITALIZATION" }],
      });
      const members = result!.record!.members as { name: string; relation: string; idNumber: string }[];
      expect(members.map((m) => [m.name, m.relation, m.idNumber])).toEqual(
        input.members.map((m) => [m.name, m.relation, m.idNumber]),
      );
    });

    it("registers a household never registered poor, unmonitored until a case confirms it, and no other status", async () => {
      const edge = await mutate(
        "registerHousehold",
        "RegisterHouseholdInput",
        household({ status: "NOT_POOR", reason: "边缘户信息登记（监测对象识别前）" }),
        registry,
        "status monitoringStatus monitoringType history { kind toStatus }",
      );
      expect(edge.body.errors).toBeUndefined();
      expect(edge.result!.record).toMatchObject({
        status: "NOT_POOR",
        monitoringStatus: "NOT_MONITORED",
        monitoringType: null,
        history: [{ kind: "IDENTIFIED", toStatus: "NOT_POOR" }],
      });
      // Monitoring is not a registration: the old way in (a monitoring type) is no field of the input.
      const monitored = await mutate(
        "registerHousehold",
        "RegisterHouseholdInput",
        household({ monitoringType: "MARGINAL" }),
      );
      expect(monitored.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      const exited = await mutate("registerHousehold", "RegisterHouseholdInput", household({ status: "EXITED" }));
      expect(exited.result!.inputErrors.map((e) => [e.path.join("."), e.code])).toEqual([
        ["input.status", "INCONSISTENT"],
      ]);
    });

    it("answers each wrong field with its own error and writes nothing", async () => {
      const [households, members, events] = await Promise.all([
        count("households"),
        count("members"),
        count("household_events"),
      ]);
      const badChecksum = person("SPOUSE", "1980-01-01", "FEMALE");
      badChecksum.idNumber = badChecksum.idNumber.slice(0, 17) + (badChecksum.idNumber[17] === "0" ? "1" : "0");
      const wrongBirth = { ...person("SON", "2005-07-07", "MALE"), birthDate: "2005-07-08" };
      const { result } = await mutate(
        "registerHousehold",
        "RegisterHouseholdInput",
        household({
          // Next year: within any calendar (a year past 2100 is refused whole, before the service), but not yet.
          identifiedYear: new Date().getUTCFullYear() + 1,
          identifiedOn: "2999-01-01",
          members: [
            person("HEAD", "1970-01-01", "MALE"),
            badChecksum,
            wrongBirth,
            person("HEAD", "1972-03-03", "FEMALE"),
          ],
        }),
      );
      expect(result!.ok).toBe(false);
      expect(result!.inputErrors.map((e) => [e.path.join("."), e.code]).sort()).toEqual([
        ["input.identifiedOn", "IN_THE_FUTURE"],
        ["input.identifiedYear", "IN_THE_FUTURE"],
        ["input.members.1.idNumber", "INVALID_CHECKSUM"],
        ["input.members.2.birthDate", "MISMATCH_ID_NUMBER"],
        ["input.members.3.relation", "INCONSISTENT"],
      ]);
      expect([await count("households"), await count("members"), await count("household_events")]).toEqual([
        households,
        members,
        events,
      ]);
    });

    it("refuses an unknown village, a household without a head, and an identity number already registered", async () => {
      const first = household();
      expect((await mutate("registerHousehold", "RegisterHouseholdInput", first)).result!.ok).toBe(true);
      const households = await count("households");
      const unknownVillage = `${village.code.slice(0, 9)}999`;
      const { result } = await mutate(
        "registerHousehold",
        "RegisterHouseholdInput",
        household({
          villageCode: unknownVillage,
          householdNumber: `${unknownVillage}0001`,
          members: [{ ...first.members[1]!, relation: "SPOUSE" }],
        }),
      );
      expect(result!.inputErrors.map((e) => [e.path.join("."), e.code]).sort()).toEqual([
        ["input.members", "REQUIRED"],
        ["input.members.0.idNumber", "DUPLICATE"],
        ["input.villageCode", "UNKNOWN_REGION"],
      ]);
      const again = await mutate("registerHousehold", "RegisterHouseholdInput", {
        ...household(),
        householdNumber: first.householdNumber,
      });
      expect(again.result!.inputErrors).toEqual([
        expect.objectContaining({ path: ["input", "householdNumber"], code: "DUPLICATE" }),
      ]);
      expect(await count("households")).toBe(households);
    });

    it("turns a duplicate lost to a concurrent registration into an input error, never a database error", async () => {
      const first = household();
      const second = { ...household(), householdNumber: first.householdNumber };
      const results = await Promise.all([
        mutate("registerHousehold", "RegisterHouseholdInput", first),
        mutate("registerHousehold", "RegisterHouseholdInput", second),
      ]);
      expect(results.map((r) => r.body.errors)).toEqual([undefined, undefined]);
      expect(results.filter((r) => r.result!.ok)).toHaveLength(1);
      expect(results.find((r) => !r.result!.ok)!.result!.inputErrors).toEqual([
        expect.objectContaining({ path: ["input", "householdNumber"], code: "DUPLICATE" }),
      ]);
    });

    it("is FORBIDDEN to a county officer in another county, and absent for other departments", async () => {
      const otherCounty = await mutate(
        "registerHousehold",
        "RegisterHouseholdInput",
        household(),
        await authHeaders("RURAL_REVITALIZATION", "431202"),
      );
      expect(otherCounty.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      const health = await mutate(
        "registerHousehold",
        "RegisterHouseholdInput",
        household(),
        await authHeaders("HEALTH"),
      );
      // Registration is outside health's contract: the mutation does not exist for it.
      expect(health.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(health.body.data ?? null).toBeNull();
    });

    it("adds a member to a household, checking its version, and records labour", async () => {
      const created = await mutate("registerHousehold", "RegisterHouseholdInput", household());
      const id = created.result!.record!.id as string;
      const child = person("DAUGHTER", "2014-09-01", "FEMALE", "李小红");
      const added = await mutate(
        "registerMember",
        "RegisterMemberInput",
        { householdId: id, version: 1, member: child, reason: "新生儿入户" },
        registry,
        "version members { id name relation schoolingStatus } history { kind field }",
      );
      expect(added.result).toMatchObject({ ok: true, record: { version: 2 } });
      const members = added.result!.record!.members as { id: string; name: string; schoolingStatus: string }[];
      expect(members.find((m) => m.name === "李小红")).toMatchObject({ schoolingStatus: "IN_SCHOOL" });
      expect((added.result!.record!.history as { field: string }[]).at(-1)).toMatchObject({
        field: "Household.members",
      });

      const stale = await mutate("registerMember", "RegisterMemberInput", {
        householdId: id,
        version: 1,
        member: person("SON", "2016-01-01", "MALE"),
        reason: "补录",
      });
      expect(stale.result!.error).toEqual({ code: "CONFLICT", currentVersion: 2 });
      const secondHead = await mutate("registerMember", "RegisterMemberInput", {
        householdId: id,
        version: 2,
        member: person("HEAD", "1960-01-01", "MALE"),
        reason: "补录",
      });
      expect(secondHead.result!.inputErrors).toEqual([
        expect.objectContaining({ path: ["input", "member", "relation"], code: "INCONSISTENT" }),
      ]);

      const head = members.find((m) => m.name === "李建国")!;
      const labour = await mutate(
        "recordLabour",
        "RecordLabourInput",
        { memberId: head.id, version: 1, labourCapacity: "WEAK", reason: "劳动能力评定" },
        registry,
        "version labourCapacity",
      );
      expect(labour.result).toMatchObject({ ok: true, record: { version: 2, labourCapacity: "WEAK" } });
      // Employment is human resources' (农村劳动力实名制): the registry owner reads it, 人社 records it.
      const humanResources = await authHeaders("HUMAN_RESOURCES");
      const work = await mutate(
        "recordEmployment",
        "RecordEmploymentInput",
        {
          memberId: head.id,
          version: 2,
          employment: "MIGRANT_OUT_OF_PROVINCE",
          employmentPlace: "广东东莞",
          employmentMonths: 10,
          reason: "务工登记",
        },
        humanResources,
        "version employment employmentPlace employmentMonths",
      );
      expect(work.result).toMatchObject({
        ok: true,
        record: {
          version: 3,
          employment: "MIGRANT_OUT_OF_PROVINCE",
          employmentPlace: "广东东莞",
          employmentMonths: 10,
        },
      });
      const tooLong = await mutate(
        "recordEmployment",
        "RecordEmploymentInput",
        { memberId: head.id, version: 3, employmentMonths: 13, reason: "务工登记" },
        humanResources,
      );
      expect(tooLong.result!.inputErrors).toEqual([
        expect.objectContaining({ path: ["input", "employmentMonths"], code: "OUT_OF_RANGE" }),
      ]);
    });
  });

  describe("assigning helpers", () => {
    it("ends the current helper and starts the new one, with a history event", async () => {
      const [target] = await database.rows<{ household_id: number; cadre_id: number; version: number }>(
        sql`SELECT a.household_id, a.cadre_id, h.version FROM cadre_household_assignments a
            JOIN households h ON h.id = a.household_id
            WHERE a.end_date IS NULL AND h.village_code LIKE '431221%' ORDER BY a.household_id LIMIT 1`,
      );
      const [other] = await database.rows<{ id: number }>(
        sql`SELECT id FROM cadres WHERE id <> ${target!.cadre_id} ORDER BY id LIMIT 1`,
      );
      const householdId = toGlobalId("Household", target!.household_id);
      const { result } = await mutate(
        "assignHelper",
        "AssignHelperInput",
        { householdId, version: target!.version, cadreId: toGlobalId("Cadre", other!.id), reason: "帮扶干部调整" },
        registry,
        "version helper { id } helpers { current endDate } history { kind field reason }",
      );
      expect(result).toMatchObject({
        ok: true,
        record: { version: target!.version + 1, helper: { id: toGlobalId("Cadre", other!.id) } },
      });
      const helpers = result!.record!.helpers as { current: boolean }[];
      expect(helpers.filter((h) => h.current)).toHaveLength(1);
      expect(helpers.length).toBeGreaterThanOrEqual(2);
      expect((result!.record!.history as { field: string }[]).at(-1)).toMatchObject({
        kind: "FIELD_CHANGED",
        field: "Household.helper",
        reason: "帮扶干部调整",
      });
      const rows = await database.rows<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM cadre_household_assignments WHERE household_id = ${target!.household_id} AND end_date IS NULL`,
      );
      expect(rows[0]!.n).toBe(1);

      const stale = await mutate("assignHelper", "AssignHelperInput", {
        householdId,
        version: target!.version,
        cadreId: toGlobalId("Cadre", target!.cadre_id),
        reason: "再调整",
      });
      expect(stale.result!.error).toMatchObject({ code: "CONFLICT", currentVersion: target!.version + 1 });
    });
  });
  describe("projects, assets and agencies", () => {
    async function anAgency() {
      const [row] = await database.rows<{ id: number }>(sql`SELECT id FROM agencies ORDER BY id LIMIT 1`);
      return toGlobalId("Agency", row!.id);
    }
    async function households(n: number, prefix = "431221") {
      const rows = await database.rows<{ id: number }>(
        sql`SELECT id FROM households WHERE village_code LIKE ${`${prefix}%`} ORDER BY id LIMIT ${n}`,
      );
      return rows.map((r) => toGlobalId("Household", r.id));
    }

    it("creates a project with funds and beneficiaries, updates it, and answers a stale version with CONFLICT", async () => {
      const beneficiaries = await households(3);
      const leadAgencyId = await anAgency();
      const created = await mutate(
        "createProject",
        "CreateProjectInput",
        {
          code: "XM-2024-REG-001",
          name: "村组道路硬化",
          category: "ROAD",
          villageId: village.id,
          year: 2024,
          status: "APPROVED",
          leadAgencyId,
          funds: [
            { source: "CENTRAL_FISCAL", amount: 800000 },
            { source: "COUNTY_FISCAL", amount: 200000 },
          ],
          beneficiaryIds: beneficiaries,
        },
        registry,
        "id version status regionCode totalFunds funds { source amount } beneficiaryCount",
      );
      expect(created.body.errors).toBeUndefined();
      expect(created.result).toMatchObject({
        ok: true,
        record: { version: 1, status: "APPROVED", regionCode: village.code, totalFunds: 1000000, beneficiaryCount: 3 },
      });
      const id = created.result!.record!.id as string;

      const updated = await mutate(
        "updateProject",
        "UpdateProjectInput",
        {
          projectId: id,
          version: 1,
          status: "IN_PROGRESS",
          startDate: "2024-04-01",
          funds: [{ source: "CENTRAL_FISCAL", amount: 900000 }],
          removeBeneficiaryIds: [beneficiaries[0]],
        },
        registry,
        "version status startDate totalFunds beneficiaryCount",
      );
      expect(updated.result).toMatchObject({
        ok: true,
        record: { version: 2, status: "IN_PROGRESS", startDate: "2024-04-01", totalFunds: 900000, beneficiaryCount: 2 },
      });

      const stale = await mutate("updateProject", "UpdateProjectInput", { projectId: id, version: 1, name: "改名" });
      expect(stale.result).toMatchObject({ ok: false, error: { code: "CONFLICT", currentVersion: 2 } });
      const backwards = await mutate("updateProject", "UpdateProjectInput", {
        projectId: id,
        version: 2,
        status: "PLANNED",
      });
      expect(backwards.result!.inputErrors).toEqual([
        expect.objectContaining({ path: ["input", "status"], code: "INVALID_TRANSITION" }),
      ]);

      const invalid = await mutate("createProject", "CreateProjectInput", {
        code: "XM-2024-REG-001",
        name: "重复",
        category: "WATER",
        villageId: village.id,
        year: 2012, // before the registry began
        leadAgencyId,
        startDate: "2024-05-01",
        endDate: "2024-04-01",
        funds: [
          { source: "LOAN", amount: 0 },
          { source: "LOAN", amount: 5 },
        ],
      });
      expect(invalid.result!.inputErrors.map((e) => [e.path.join("."), e.code]).sort()).toEqual([
        ["input.code", "DUPLICATE"],
        ["input.endDate", "INCONSISTENT"],
        ["input.funds.0.amount", "OUT_OF_RANGE"],
        ["input.funds.1.source", "DUPLICATE"],
        ["input.year", "OUT_OF_RANGE"],
      ]);

      const elsewhere = await mutate("createProject", "CreateProjectInput", {
        code: "XM-2024-REG-002",
        name: "跨县受益",
        category: "ROAD",
        villageId: village.id,
        year: 2024,
        leadAgencyId,
        funds: [],
        beneficiaryIds: await households(1, "431202"),
      });
      expect(elsewhere.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    });

    it("enters an asset and records its income", async () => {
      const [project] = await database.rows<{ id: number }>(
        sql`SELECT id FROM projects WHERE region_code LIKE '431221%' ORDER BY id LIMIT 1`,
      );
      const created = await mutate(
        "createAsset",
        "CreateAssetInput",
        {
          code: "ZC-REG-0001",
          name: "光伏电站",
          kind: "OPERATING",
          ownership: "COLLECTIVE",
          value: 350000,
          villageCode: village.code,
          projectId: toGlobalId("Project", project!.id),
          custodianKind: "VILLAGE_COLLECTIVE",
          formedOn: "2023-06-30",
        },
        registry,
        "id version status",
      );
      expect(created.result).toMatchObject({ ok: true, record: { version: 1, status: "IN_USE" } });
      const assetId = created.result!.record!.id as string;

      const income = await mutate(
        "recordAssetIncome",
        "RecordAssetIncomeInput",
        {
          assetId,
          version: 1,
          year: 2024,
          income: 42000,
          toHouseholds: 30000,
          toCollective: 12000,
          distribution: "按户分红",
        },
        registry,
        "version incomes { year income toHouseholds toCollective distribution }",
      );
      expect(income.result).toMatchObject({
        ok: true,
        record: { version: 2, incomes: [{ year: 2024, income: 42000, toHouseholds: 30000, toCollective: 12000 }] },
      });
      const overSplit = await mutate("recordAssetIncome", "RecordAssetIncomeInput", {
        assetId,
        version: 2,
        year: 2024,
        income: 100,
        toHouseholds: 80,
        toCollective: 40,
      });
      expect(overSplit.result!.inputErrors).toEqual([
        expect.objectContaining({ path: ["input", "toHouseholds"], code: "INCONSISTENT" }),
      ]);

      const updated = await mutate(
        "updateAsset",
        "UpdateAssetInput",
        { assetId, version: 2, status: "IDLE", value: 300000 },
        registry,
        "version status value",
      );
      expect(updated.result).toMatchObject({ ok: true, record: { version: 3, status: "IDLE", value: 300000 } });
      const toHousehold = await mutate("updateAsset", "UpdateAssetInput", {
        assetId,
        version: 3,
        custodianKind: "HOUSEHOLD",
        custodianHouseholdId: (await households(1))[0],
      });
      expect(toHousehold.result!.error).toMatchObject({ code: "REFUSED" });
    });

    it("registers and corrects an agency, pairs it with a village, and posts a first secretary", async () => {
      const city = await authHeaders("RURAL_REVITALIZATION", "");
      const created = await mutate(
        "createAgency",
        "CreateAgencyInput",
        { name: "湘西职业技术学院", kind: "UNIVERSITY", level: "CITY", regionCode: "431200000000" },
        city,
        "id version name",
      );
      expect(created.result).toMatchObject({ ok: true, record: { version: 1, name: "湘西职业技术学院" } });
      const agencyId = created.result!.record!.id as string;
      const duplicate = await mutate("createAgency", "CreateAgencyInput", {
        name: "湘西职业技术学院",
        kind: "UNIVERSITY",
        level: "CITY",
        regionCode: "431221999999",
      });
      expect(duplicate.result!.inputErrors.map((e) => [e.path.join("."), e.code]).sort()).toEqual([
        ["input.name", "DUPLICATE"],
        ["input.regionCode", "UNKNOWN_REGION"],
      ]);
      // A county officer keeps its county's agencies only.
      const fromCounty = await mutate("updateAgency", "UpdateAgencyInput", {
        agencyId,
        version: 1,
        level: "PROVINCIAL",
      });
      expect(fromCounty.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      const renamed = await mutate(
        "updateAgency",
        "UpdateAgencyInput",
        { agencyId, version: 1, name: "湘西职业技术学院（帮扶办）" },
        city,
        "version name",
      );
      expect(renamed.result).toMatchObject({ ok: true, record: { version: 2, name: "湘西职业技术学院（帮扶办）" } });
      const stale = await mutate("updateAgency", "UpdateAgencyInput", { agencyId, version: 1, kind: "MILITARY" }, city);
      expect(stale.result!.error).toMatchObject({ code: "CONFLICT", currentVersion: 2 });

      const paired = await mutate(
        "assignAgencyToVillage",
        "AssignAgencyToVillageInput",
        {
          villageId: village.id,
          version: await villageVersion(),
          agencyId,
          kind: "DESIGNATED",
          startedOn: "2024-01-01",
        },
        registry,
        "id agencies { id }",
      );
      expect((paired.result!.record!.agencies as { id: string }[]).map((a) => a.id)).toContain(agencyId);

      const [cadre] = await database.rows<{ id: number }>(
        sql`SELECT id FROM cadres WHERE id NOT IN (SELECT cadre_id FROM cadre_village_assignments WHERE end_date IS NULL) ORDER BY id LIMIT 1`,
      );
      const posted = await mutate(
        "assignVillageCadre",
        "AssignVillageCadreInput",
        {
          villageId: village.id,
          version: await villageVersion(),
          cadreId: toGlobalId("Cadre", cadre!.id),
          role: "FIRST_SECRETARY",
        },
        registry,
        "id firstSecretary { id }",
      );
      expect(posted.result).toMatchObject({
        ok: true,
        record: { firstSecretary: { id: toGlobalId("Cadre", cadre!.id) } },
      });
      const [current] = await database.rows<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM cadre_village_assignments a JOIN villages v ON v.id = a.village_id
            WHERE v.code = ${village.code} AND a.role = 'FIRST_SECRETARY' AND a.end_date IS NULL`,
      );
      expect(current!.n).toBe(1);
    });

    it("records an asset's income only at the asset's current version, and bumps it", async () => {
      const [project] = await database.rows<{ id: number }>(
        sql`SELECT id FROM projects WHERE region_code LIKE '431221%' ORDER BY id LIMIT 1`,
      );
      const created = await mutate("createAsset", "CreateAssetInput", {
        code: "ZC-REG-0002",
        name: "扶贫车间",
        kind: "OPERATING",
        ownership: "COLLECTIVE",
        value: 500000,
        villageCode: village.code,
        projectId: toGlobalId("Project", project!.id),
        custodianKind: "VILLAGE_COLLECTIVE",
        formedOn: "2022-10-01",
      });
      const assetId = created.result!.record!.id as string;
      const [asset] = await database.rows<{ id: number }>(sql`SELECT id FROM assets WHERE code = 'ZC-REG-0002'`);
      const stored = () =>
        database.rows<{ income: number; version: number }>(
          sql`SELECT i.income::float8 AS income, a.version FROM assets a
              LEFT JOIN asset_incomes i ON i.asset_id = a.id AND i.year = 2023 WHERE a.id = ${asset!.id}`,
        );
      const income = { assetId, year: 2023, income: 60000, toHouseholds: 40000, toCollective: 20000 };

      const first = await mutate("recordAssetIncome", "RecordAssetIncomeInput", { ...income, version: 1 });
      expect(first.result).toMatchObject({ ok: true, unchanged: false, record: { version: 2 }, error: null });
      expect(await stored()).toEqual([{ income: 60000, version: 2 }]);

      // Another writer read version 1: its income for the same year must not replace the one just recorded.
      const stale = await mutate("recordAssetIncome", "RecordAssetIncomeInput", {
        ...income,
        version: 1,
        income: 1000,
        toHouseholds: 0,
        toCollective: 0,
      });
      expect(stale.result).toMatchObject({ ok: false, error: { code: "CONFLICT", currentVersion: 2 } });
      expect(await stored()).toEqual([{ income: 60000, version: 2 }]);

      const again = await mutate("recordAssetIncome", "RecordAssetIncomeInput", { ...income, version: 2 });
      expect(again.result).toMatchObject({ ok: true, unchanged: true, record: { version: 2 } });

      const corrected = await mutate(
        "recordAssetIncome",
        "RecordAssetIncomeInput",
        { ...income, version: 2, income: 65000 },
        registry,
        "version incomes { year income }",
      );
      expect(corrected.result).toMatchObject({
        ok: true,
        unchanged: false,
        record: { version: 3, incomes: [{ year: 2023, income: 65000 }] },
      });
      expect(await stored()).toEqual([{ income: 65000, version: 3 }]);
    });

    it("pairs agencies and posts cadres only at the village's current version, and bumps it", async () => {
      const villageRowId = decodeId(village.id, "Village");
      const [agencyA, agencyB] = (
        await database.rows<{ id: number }>(
          sql`SELECT id FROM agencies WHERE id NOT IN (
                SELECT agency_id FROM agency_village_assignments
                WHERE village_id = ${villageRowId} AND kind = 'DESIGNATED' AND end_date IS NULL)
              ORDER BY id LIMIT 2`,
        )
      ).map((r) => r.id);
      const [cadre] = await database.rows<{ id: number }>(
        sql`SELECT id FROM cadres WHERE id NOT IN (SELECT cadre_id FROM cadre_village_assignments WHERE end_date IS NULL) ORDER BY id LIMIT 1`,
      );
      const pairings = async (agency: number) =>
        (
          await database.rows<{ n: number }>(
            sql`SELECT count(*)::int AS n FROM agency_village_assignments
                WHERE village_id = ${villageRowId} AND agency_id = ${agency} AND end_date IS NULL`,
          )
        )[0]!.n;
      const posts = async () =>
        (
          await database.rows<{ n: number }>(
            sql`SELECT count(*)::int AS n FROM cadre_village_assignments WHERE cadre_id = ${cadre!.id}`,
          )
        )[0]!.n;
      const pair = (agency: number, version: number) =>
        mutate("assignAgencyToVillage", "AssignAgencyToVillageInput", {
          villageId: village.id,
          version,
          agencyId: toGlobalId("Agency", agency),
          kind: "DESIGNATED",
        });
      const version = await villageVersion();

      const paired = await pair(agencyA!, version);
      expect(paired.result).toMatchObject({ ok: true, unchanged: false, record: { version: version + 1 } });
      expect([await pairings(agencyA!), await villageVersion()]).toEqual([1, version + 1]);

      const stalePairing = await pair(agencyB!, version);
      expect(stalePairing.result).toMatchObject({
        ok: false,
        error: { code: "CONFLICT", currentVersion: version + 1 },
      });
      expect([await pairings(agencyB!), await villageVersion()]).toEqual([0, version + 1]);

      const samePairing = await pair(agencyA!, version + 1);
      expect(samePairing.result).toMatchObject({ ok: true, unchanged: true, record: { version: version + 1 } });

      const post = (v: number) =>
        mutate("assignVillageCadre", "AssignVillageCadreInput", {
          villageId: village.id,
          version: v,
          cadreId: toGlobalId("Cadre", cadre!.id),
          role: "WORK_TEAM_MEMBER",
        });
      const stalePost = await post(version);
      expect(stalePost.result).toMatchObject({ ok: false, error: { code: "CONFLICT", currentVersion: version + 1 } });
      expect([await posts(), await villageVersion()]).toEqual([0, version + 1]);

      const posted = await post(version + 1);
      expect(posted.result).toMatchObject({ ok: true, unchanged: false, record: { version: version + 2 } });
      expect([await posts(), await villageVersion()]).toEqual([1, version + 2]);
    });
  });
});
