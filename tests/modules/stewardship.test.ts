import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { authHeaders, useTestApp } from "../helpers/app.js";

type Result = {
  ok: boolean;
  unchanged: boolean;
  record: Record<string, unknown> | null;
  inputErrors: { path: string[]; code: string }[];
  error: { code: string; currentVersion: number } | null;
};
type History = { kind: string; field: string; oldValue: string; newValue: string; reason: string; department: string };

/** Each department is the steward of its fields: it writes them, and nobody else does. */
describe("department stewardship", () => {
  const t = useTestApp();

  const as = async (department: string, region = "431221") => authHeaders(department, region);
  /** A member of a household in the county: a twelve-year-old in school. */
  async function schoolAgeMember(region = "431221") {
    const household = await t.facts.household({
      region,
      members: [{ age: 40 }, { age: 12, schoolingStatus: "IN_SCHOOL" }],
    });
    const child = household.members[1]!;
    return { id: child.id, version: child.version, household: { id: household.id } };
  }

  async function mutate(
    field: string,
    inputType: string,
    input: object,
    headers: Record<string, string>,
    selection = "ok unchanged inputErrors { path code message } error { code currentVersion } record { id version }",
  ) {
    const response = await t.query<Record<string, Result>>(
      `mutation($input: ${inputType}!) { ${field}(input: $input) { ${selection} } }`,
      { input },
      headers,
    );
    return { ...response, result: response.data?.[field] };
  }

  it("lets an education officer record that a child dropped out, with history of who changed what", async () => {
    const member = await schoolAgeMember();
    const body = await mutate(
      "recordSchooling",
      "RecordSchoolingInput",
      { memberId: member.id, version: member.version, schoolingStatus: "DROPPED_OUT", reason: "家访核实：外出务工" },
      await as("EDUCATION"),
    );
    expect(body.errors).toBeUndefined();
    const result = body.result!;
    expect(result).toMatchObject({ ok: true, unchanged: false, inputErrors: [], error: null });
    expect(result.record).toMatchObject({ id: member.id, version: member.version + 1 });

    const { household } = await t.data<{ household: { history: History[] } }>(
      `query($id: ID!) { household(id: $id) { history { kind field oldValue newValue reason department recordedBy } } }`,
      { id: member.household.id },
    );
    const events = household.history;
    expect(events.at(-1)).toMatchObject({
      kind: "FIELD_CHANGED",
      field: "Member.schoolingStatus",
      oldValue: "IN_SCHOOL",
      newValue: "DROPPED_OUT",
      reason: "家访核实：外出务工",
      department: "EDUCATION",
      recordedBy: "test-education",
    });
  });

  it("answers an unchanged write as unchanged, without a new version or event", async () => {
    const member = await schoolAgeMember();
    const [before] = await t.database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM household_events`);
    const body = await mutate(
      "recordSchooling",
      "RecordSchoolingInput",
      { memberId: member.id, version: member.version, schoolingStatus: "IN_SCHOOL", reason: "复核" },
      await as("EDUCATION"),
    );
    expect(body.result).toMatchObject({
      ok: true,
      unchanged: true,
      record: { version: member.version },
    });
    const [after] = await t.database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM household_events`);
    expect(after!.n).toBe(before!.n);
  });

  it("refuses the forbidden neighbours: another department, another county, a field it does not own", async () => {
    const member = await schoolAgeMember();
    const input = { memberId: member.id, version: member.version, schoolingStatus: "DROPPED_OUT", reason: "test" };
    // Health may not even see the mutation: outside its contract, it does not exist.
    const health = await mutate("recordSchooling", "RecordSchoolingInput", input, await as("HEALTH"));
    expect(health.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    // Education of the other county: the member does not exist for it.
    const elsewhere = await mutate("recordSchooling", "RecordSchoolingInput", input, await as("EDUCATION", "431202"));
    expect(elsewhere.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(JSON.stringify(elsewhere)).not.toContain(member.household.id);
    // The registry owner reads schooling but does not own it: the write is not in its contract.
    const registry = await mutate(
      "recordSchooling",
      "RecordSchoolingInput",
      input,
      await as("RURAL_REVITALIZATION", ""),
    );
    expect(registry.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const [row] = await t.database.rows<{ version: number }>(
      sql`SELECT version FROM members WHERE id = ${Number(Buffer.from(member.id, "base64url").toString().split(":")[1])}`,
    );
    expect(row!.version).toBe(member.version);
  });

  it("offers each mutation only to its steward", async () => {
    const stewards: Record<string, string> = {
      recordSchooling: "EDUCATION",
      recordHealth: "HEALTH",
      recordMedicalInsurance: "MEDICAL_INSURANCE",
      recordEmployment: "HUMAN_RESOURCES",
      recordPension: "HUMAN_RESOURCES",
      recordDisability: "DISABLED_PERSONS_FEDERATION",
      recordDrinkingWater: "WATER_RESOURCES",
      recordVillageWater: "WATER_RESOURCES",
      recordAssistance: "CIVIL_AFFAIRS",
      recordHousingAssessment: "HOUSING",
      recordVillageRoad: "TRANSPORT",
      changeHouseholdStatus: "RURAL_REVITALIZATION",
      advanceAlert: "RURAL_REVITALIZATION",
      recordSchoolingBatch: "EDUCATION",
      recordHealthBatch: "HEALTH",
      recordMedicalInsuranceBatch: "MEDICAL_INSURANCE",
      recordEmploymentBatch: "HUMAN_RESOURCES",
      recordPensionBatch: "HUMAN_RESOURCES",
      recordDisabilityBatch: "DISABLED_PERSONS_FEDERATION",
      recordDrinkingWaterBatch: "WATER_RESOURCES",
      recordVillageWaterBatch: "WATER_RESOURCES",
      recordAssistanceBatch: "CIVIL_AFFAIRS",
      recordHousingAssessmentBatch: "HOUSING",
      recordVillageRoadBatch: "TRANSPORT",
      changeHouseholdStatusBatch: "RURAL_REVITALIZATION",
      // The registry owner's writes (tests/modules/registry.test.ts).
      ...Object.fromEntries(
        [
          "registerHousehold",
          "registerMember",
          "recordLabour",
          "assignHelper",
          "createProject",
          "updateProject",
          "createAsset",
          "updateAsset",
          "recordAssetIncome",
          "createAgency",
          "updateAgency",
          "assignVillageCadre",
          "assignAgencyToVillage",
          // Incomes, monitoring lines and screening (tests/modules/incomes.test.ts, screening.test.ts).
          "recordHouseholdIncome",
          "recordHouseholdIncomeBatch",
          "recordRigidExpenditure",
          "recordRigidExpenditureBatch",
          "setMonitoringStandard",
          "runScreening",
          // Monitoring cases (tests/modules/cases.test.ts).
          "openMonitoringCase",
          "verifyCase",
          "noticeCase",
          "raiseObjection",
          "settleObjection",
          "reviewCase",
          "confirmCase",
          "rejectCase",
          "recordAssistanceMeasure",
          "eliminateRisk",
          "recordFollowUpVisit",
          // Their batch forms (tests/modules/case-steps.test.ts).
          "verifyCaseBatch",
          "noticeCaseBatch",
          "raiseObjectionBatch",
          "settleObjectionBatch",
          "reviewCaseBatch",
          "confirmCaseBatch",
          "rejectCaseBatch",
          "recordAssistanceMeasureBatch",
          "eliminateRiskBatch",
          "recordFollowUpVisitBatch",
        ].map((m) => [m, "RURAL_REVITALIZATION"]),
      ),
      fileSelfApplication: "VILLAGE_APPLICANT",
    };
    for (const department of t.app.policy.departments) {
      // A department scoped to one village (regionLevels) is asked with a village's code.
      const village = t.app.policy.forDepartment(department)?.regionDigits === 12;
      const headers = department === "PUBLIC" ? {} : await as(department, village ? "431221001001" : "");
      const { __schema } = await t.data<{ __schema: { mutationType: { fields: { name: string }[] } | null } }>(
        `{ __schema { mutationType { fields { name } } } }`,
        {},
        headers,
      );
      const fields = (__schema.mutationType?.fields ?? []).map((f) => f.name);
      const expected = Object.entries(stewards)
        .filter(([, d]) => d === department)
        .map(([m]) => m);
      expect(fields.sort(), department).toEqual(expected.sort());
    }
  });

  it("validates field by field and writes nothing when any field is wrong", async () => {
    const household = await t.facts.household({ region: "431221" });
    const body = await mutate(
      "recordHousingAssessment",
      "RecordHousingAssessmentInput",
      {
        householdId: household.id,
        version: household.version,
        housingGrade: "D",
        housingAssessedOn: "2999-01-01",
        housingRenovated: true,
        reason: " ",
      },
      await as("HOUSING"),
    );
    const result = body.result!;
    expect(result.ok).toBe(false);
    expect(result.inputErrors.map((e) => [e.path.join("."), e.code]).sort()).toEqual([
      ["input.housingAssessedOn", "IN_THE_FUTURE"],
      ["input.housingRenovationYear", "REQUIRED"],
      ["input.reason", "REQUIRED"],
    ]);
    const again = await t.data<{ household: { version: number } }>(
      `query($id: ID!) { household(id: $id) { version } }`,
      {
        id: household.id,
      },
    );
    expect(again.household.version).toBe(household.version);
  });

  it("tells a year before the registry began from one in the future", async () => {
    const member = await schoolAgeMember();
    const headers = await as("MEDICAL_INSURANCE");
    const health = (year: number) =>
      mutate(
        "recordMedicalInsurance",
        "RecordMedicalInsuranceInput",
        {
          memberId: member.id,
          version: member.version,
          medicalExpenseOutOfPocket: 100,
          medicalExpenseYear: year,
          reason: "复核",
        },
        headers,
      );
    const early = (await health(2010)).result!;
    expect(early.inputErrors).toEqual([
      expect.objectContaining({ path: ["input", "medicalExpenseYear"], code: "OUT_OF_RANGE" }),
    ]);
    const future = (await health(new Date().getFullYear() + 1)).result!;
    expect(future.inputErrors).toEqual([
      expect.objectContaining({ path: ["input", "medicalExpenseYear"], code: "IN_THE_FUTURE" }),
    ]);
  });

  it("never lets two departments silently overwrite each other: the stale write gets CONFLICT", async () => {
    const member = await schoolAgeMember();
    const [health, civil] = await Promise.all([
      mutate(
        "recordHealth",
        "RecordHealthInput",
        {
          memberId: member.id,
          version: member.version,
          hasFamilyDoctorContract: true,
          healthStatus: "CHRONIC_ILLNESS",
          reason: "签约",
        },
        await as("HEALTH"),
      ),
      mutate(
        "recordAssistance",
        "RecordAssistanceInput",
        { memberId: member.id, version: member.version, receivesLowIncomeAllowance: true, reason: "纳入低保" },
        await as("CIVIL_AFFAIRS"),
      ),
    ]);
    const results = [health.result!, civil.result!];
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const stale = results.find((r) => !r.ok)!;
    expect(stale.error).toMatchObject({ code: "CONFLICT", currentVersion: member.version + 1 });
  });

  it("lets transport record a village's road and bus service", async () => {
    const village = await t.facts.village("431221");
    const body = await mutate(
      "recordVillageRoad",
      "RecordVillageRoadInput",
      {
        villageId: village.id,
        version: village.version,
        hasBusService: true,
        distanceToTownshipKm: 12.5,
        reason: "客运班线开通",
      },
      await as("TRANSPORT"),
    );
    expect(body.result).toMatchObject({
      ok: true,
      record: { version: village.version + 1 },
    });
    // The village keeps the history of its department-owned fields; the public does not see it.
    const query = `query($id: ID!) { village(id: $id) { history { field newValue reason department recordedBy } } }`;
    const { village: read } = await t.data<{ village: { history: History[] } }>(
      query,
      { id: village.id },
      await as("EDUCATION"),
    );
    const events = read.history;
    expect(events.filter((e) => e.reason === "客运班线开通").map((e) => [e.field, e.department])).toEqual(
      expect.arrayContaining([
        ["Village.hasBusService", "TRANSPORT"],
        ["Village.distanceToTownshipKm", "TRANSPORT"],
      ]),
    );
    expect(events.find((e) => e.field === "Village.distanceToTownshipKm")?.newValue).toBe("12.5");
    // The public's contract has no village history at all.
    const anonymous = await t.query(query, { id: village.id }, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(anonymous.data ?? null).toBeNull();
  });

  it("lets the registry owner record exits and falls into poverty, never monitoring, and answers the status as of any date", async () => {
    const made = await t.facts.household({ region: "431221", status: "EXITED" });
    const { household } = await t.data<{ household: { id: string; version: number; identifiedYear: number } }>(
      `query($id: ID!) { household(id: $id) { id version identifiedYear } }`,
      { id: made.id },
    );
    const registry = await as("RURAL_REVITALIZATION", "");
    const change = (input: object, version: number) =>
      mutate(
        "changeHouseholdStatus",
        "ChangeHouseholdStatusInput",
        { householdId: household.id, version, reason: "动态管理", ...input },
        registry,
      );

    // Monitoring is not a status change: it comes only from a case's county confirmation. The old
    // actions stay in the schema, deprecated, and are refused as input pointing at the case workflow.
    for (const action of ["PLACE_UNDER_MONITORING", "ELIMINATE_RISK"]) {
      const old = await change({ action, occurredOn: "2024-03-01" }, household.version);
      expect(old.errors, action).toBeUndefined();
      expect(old.result, action).toMatchObject({ ok: false, error: null, record: null });
      expect(old.result!.inputErrors, action).toEqual([
        { path: ["input", "action"], code: "INVALID_TRANSITION", message: expect.stringContaining("confirmCase") },
      ]);
    }
    // In a batch, the old action is that record's rejection; the other records are applied.
    const other = await t.facts.household({ region: "431221", status: "POOR" });
    const batch = await t.data<{
      changeHouseholdStatusBatch: {
        applied: number;
        results: {
          status: string;
          code: string | null;
          inputErrors: { path: string[]; code: string; message: string }[];
        }[];
      };
    }>(
      `mutation($input: ChangeHouseholdStatusBatchInput!) { changeHouseholdStatusBatch(input: $input) {
        applied results { status code inputErrors { path code message } } } }`,
      {
        input: {
          records: [
            {
              householdId: household.id,
              version: household.version,
              action: "PLACE_UNDER_MONITORING",
              reason: "动态管理",
            },
            {
              householdId: other.id,
              version: other.version,
              action: "EXIT",
              occurredOn: "2024-03-01",
              reason: "动态管理",
            },
          ],
        },
      },
      registry,
    );
    expect(batch.changeHouseholdStatusBatch.applied).toBe(1);
    expect(batch.changeHouseholdStatusBatch.results.map((r) => [r.status, r.code])).toEqual([
      ["REJECTED", "INVALID_INPUT"],
      ["APPLIED", null],
    ]);
    expect(batch.changeHouseholdStatusBatch.results[0]!.inputErrors).toEqual([
      {
        path: ["records", "0", "action"],
        code: "INVALID_TRANSITION",
        message: expect.stringContaining("confirmCase"),
      },
    ]);
    const untouched = await t.data<{ household: { version: number; status: string; monitoringStatus: string } }>(
      `query($id: ID!) { household(id: $id) { version status monitoringStatus } }`,
      { id: household.id },
    );
    expect(untouched.household).toEqual({
      version: household.version,
      status: "EXITED",
      monitoringStatus: "NOT_MONITORED",
    });
    const notPoor = await change({ action: "EXIT", occurredOn: "2024-03-01" }, household.version);
    expect(notPoor.result!.error?.code).toBe("REFUSED");

    const returned = await change({ action: "RETURN_TO_POVERTY", occurredOn: "2024-03-01" }, household.version);
    expect(returned.result!.ok).toBe(true);
    const exited = await change({ action: "EXIT", occurredOn: "2024-09-15" }, household.version + 1);
    expect(exited.result!.ok).toBe(true);

    const asOf = async (date: string) => {
      const read = await t.data<{
        household: { status: string; monitoringStatus: string; monitoringType: string | null } | null;
      }>(`query($id: ID!, $d: String!) { household(id: $id, asOf: $d) { status monitoringStatus monitoringType } }`, {
        id: household.id,
        d: date,
      });
      return read.household;
    };
    const unmonitored = { monitoringStatus: "NOT_MONITORED", monitoringType: null };
    expect(await asOf("2024-01-01")).toEqual({ status: "EXITED", ...unmonitored });
    expect(await asOf("2024-06-01")).toEqual({ status: "RETURNED", ...unmonitored });
    expect(await asOf("2024-10-01")).toEqual({ status: "EXITED", ...unmonitored });
    expect(await asOf(`${household.identifiedYear - 1}-12-31`)).toBeNull();
    const future = await t.query(`query($id: ID!) { household(id: $id, asOf: "2999-01-01") { status } }`, {
      id: household.id,
    });
    expect(future.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("lets the water officer record a household's drinking water, and nobody else", async () => {
    const household = await t.facts.household({ region: "431221", drinkingWaterSafe: true });
    const input = {
      householdId: household.id,
      version: household.version,
      drinkingWaterSafe: false,
      reason: "水质检测不合格",
    };
    // The registry owner used to write it: now it reads it, and the write is not among its mutations.
    const registry = await mutate(
      "recordDrinkingWater",
      "RecordDrinkingWaterInput",
      input,
      await as("RURAL_REVITALIZATION"),
    );
    expect(registry.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");

    const water = await mutate(
      "recordDrinkingWater",
      "RecordDrinkingWaterInput",
      input,
      await as("WATER_RESOURCES"),
      "ok record { drinkingWaterSafe version }",
    );
    expect(water.result).toMatchObject({
      ok: true,
      record: { drinkingWaterSafe: false, version: household.version + 1 },
    });

    const { household: read } = await t.data<{
      household: {
        history: History[];
        guarantees: { safeDrinkingWater: { status: string; suppliedBy: string } };
        alerts: { signal: string; guaranteeItem: string; department: string }[];
      };
    }>(
      `query($id: ID!) { household(id: $id) {
        history { kind field oldValue newValue reason department }
        guarantees { safeDrinkingWater { status suppliedBy } }
        alerts { signal guaranteeItem department } } }`,
      { id: household.id },
    );
    expect(read.history).toContainEqual(
      expect.objectContaining({
        field: "Household.drinkingWaterSafe",
        newValue: "false",
        department: "WATER_RESOURCES",
      }),
    );
    expect(read.guarantees.safeDrinkingWater).toEqual({ status: "UNMET", suppliedBy: "WATER_RESOURCES" });
    expect(read.alerts).toEqual([
      { signal: "GUARANTEE_UNMET", guaranteeItem: "SAFE_DRINKING_WATER", department: "WATER_RESOURCES" },
    ]);
  });

  it("lets the water officer record a village's tap water, in the village's history", async () => {
    const village = await t.facts.village("431221");
    const body = await mutate(
      "recordVillageWater",
      "RecordVillageWaterInput",
      {
        villageId: village.id,
        version: village.version,
        hasTapWater: true,
        drinkingWaterSafe: true,
        reason: "集中供水工程通水",
      },
      await as("WATER_RESOURCES"),
    );
    expect(body.result).toMatchObject({ ok: true, record: { version: village.version + 1 } });
    const { village: read } = await t.data<{ village: { hasTapWater: boolean; history: History[] } }>(
      `query($id: ID!) { village(id: $id) { hasTapWater history { field department } } }`,
      { id: village.id },
    );
    expect(read.hasTapWater).toBe(true);
    expect(read.history).toContainEqual({ field: "Village.hasTapWater", department: "WATER_RESOURCES" });
  });

  it("lets the housing officer record a household's renovation priority and clear it", async () => {
    const household = await t.facts.household({ region: "431221" });
    const housing = await as("HOUSING");
    const set = await mutate(
      "recordHousingAssessment",
      "RecordHousingAssessmentInput",
      {
        householdId: household.id,
        version: household.version,
        housingPriority: "POOR_DISABLED",
        reason: "四类重点对象认定",
      },
      housing,
      "ok record { housingPriority version }",
    );
    expect(set.result).toMatchObject({ ok: true, record: { housingPriority: "POOR_DISABLED" } });
    const cleared = await mutate(
      "recordHousingAssessment",
      "RecordHousingAssessmentInput",
      {
        householdId: household.id,
        version: household.version + 1,
        clearHousingPriority: true,
        reason: "复核不属于重点对象",
      },
      housing,
      "ok record { housingPriority version }",
    );
    expect(cleared.result).toMatchObject({ ok: true, record: { housingPriority: null } });
  });

  it("records a child taught at home (送教上门) with its evidence, as no dropout and no alert", async () => {
    const member = await schoolAgeMember();
    const education = await as("EDUCATION");
    const record = (extra: object) =>
      mutate(
        "recordSchooling",
        "RecordSchoolingInput",
        { memberId: member.id, version: member.version, schoolingStatus: "HOME_TAUGHT", reason: "送教上门", ...extra },
        education,
        "ok inputErrors { path code } record { schoolingStatus schoolingExemptionEvidence }",
      );
    const without = await record({});
    expect(without.result!.inputErrors).toEqual([
      expect.objectContaining({ path: ["input", "schoolingExemptionEvidence"], code: "REQUIRED" }),
    ]);
    const evidence = "县残疾儿童教育专家委员会评估意见(2024)第12号";
    const taught = await record({ schoolingExemptionEvidence: evidence });
    expect(taught.result).toMatchObject({
      ok: true,
      record: { schoolingStatus: "HOME_TAUGHT", schoolingExemptionEvidence: evidence },
    });
    const { household } = await t.data<{
      household: { alerts: unknown[]; guarantees: { compulsoryEducation: { status: string; basis: string } } };
    }>(
      `query($id: ID!) { household(id: $id) { alerts { signal } guarantees { compulsoryEducation { status basis } } } }`,
      {
        id: member.household.id,
      },
    );
    expect(household.alerts).toEqual([]);
    expect(household.guarantees.compulsoryEducation.status).toBe("MET");
    expect(household.guarantees.compulsoryEducation.basis).toContain("1 exempt");
  });
});
