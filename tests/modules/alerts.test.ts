import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { toGlobalId } from "../../src/shared/global-id.js";
import { authHeaders, useTestApp } from "../helpers/app.js";
import type { HouseholdFact } from "../helpers/facts.js";

type Alert = {
  id: string;
  signal: string;
  guaranteeItem: string | null;
  status: string;
  department: string;
  version: number;
  trigger: {
    field: string;
    oldValue: string | null;
    newValue: string | null;
    threshold: number | null;
    basis: string | null;
    valuesWithheld: boolean;
  };
  household: { id: string } | null;
  member: { id: string } | null;
  helper: { id: string } | null;
  events: { fromStatus: string | null; toStatus: string; note: string; department: string }[];
};

const ALERT_FIELDS = `id signal guaranteeItem status department version ageDays
  trigger { field oldValue newValue threshold basis valuesWithheld }
  household { id } member { id } helper { id }
  events { fromStatus toStatus note department }`;

/**
 * Return-to-poverty monitoring: a department's write that puts a household at risk raises an alert
 * in the same transaction, and the registry owner works it through to 风险消除.
 */
describe("risk alerts", () => {
  const t = useTestApp();

  const as = (department: string, region = "431221") => authHeaders(department, region);

  const gql = <T>(query: string, variables: Record<string, unknown>, headers: Record<string, string>) =>
    t.query<T>(query, variables, headers);

  /** The first member of a household under 431221 with the stated facts (no alert yet: it is new). */
  async function memberOf(fact: HouseholdFact = {}) {
    const household = await t.facts.household({ region: "431221", ...fact });
    const member = household.members[0]!;
    return { id: member.id, version: member.version, householdId: household.rowId };
  }

  async function recordMedicalInsurance(input: object, department = "MEDICAL_INSURANCE") {
    return gql<{ recordMedicalInsurance: { ok: boolean; error: { code: string } | null } }>(
      `mutation($input: RecordMedicalInsuranceInput!) { recordMedicalInsurance(input: $input) { ok error { code } } }`,
      { input },
      await as(department),
    );
  }

  async function alertsOf(householdId: number, department = "RURAL_REVITALIZATION", region = "") {
    const body = await gql<{ household: { alerts: Alert[] } | null }>(
      `query($id: ID!) { household(id: $id) { alerts { ${ALERT_FIELDS} } } }`,
      { id: toGlobalId("Household", householdId) },
      await as(department, region),
    );
    expect(body.errors).toBeUndefined();
    return body.data!.household?.alerts ?? [];
  }

  const thisYear = new Date().getUTCFullYear();

  it("raises a medical-expense alert when a health write crosses 5,000 yuan for a formerly poor household", async () => {
    const member = await memberOf({
      status: "EXITED",
      helper: true,
      members: [{ age: 52, medicalExpense: { amount: 300, year: thisYear } }],
    });
    const below = await recordMedicalInsurance({
      memberId: member.id,
      version: member.version,
      medicalExpenseOutOfPocket: 4999,
      medicalExpenseYear: thisYear,
      reason: "住院结算",
    });
    expect(below.data?.recordMedicalInsurance.ok).toBe(true);
    expect(await alertsOf(member.householdId)).toEqual([]);

    const crossed = await recordMedicalInsurance({
      memberId: member.id,
      version: member.version + 1,
      medicalExpenseOutOfPocket: 5200,
      medicalExpenseYear: thisYear,
      reason: "二次住院结算",
    });
    expect(crossed.data?.recordMedicalInsurance.ok).toBe(true);
    const [alert, ...more] = await alertsOf(member.householdId);
    expect(more).toEqual([]);
    expect(alert).toMatchObject({
      signal: "MEDICAL_EXPENSE",
      status: "OPEN",
      department: "MEDICAL_INSURANCE",
      member: { id: member.id },
      trigger: {
        field: "Member.medicalExpenseOutOfPocket",
        oldValue: "4999",
        newValue: "5200",
        threshold: 5000,
        valuesWithheld: false,
      },
      events: [{ fromStatus: null, toStatus: "OPEN", department: "MEDICAL_INSURANCE" }],
    });
    // The household's helper at the time, for the follow-up visit.
    const [helper] = await t.database.rows<{ cadre_id: number }>(
      sql`SELECT cadre_id FROM cadre_household_assignments WHERE household_id = ${member.householdId} AND end_date IS NULL`,
    );
    expect(alert!.helper).toEqual({ id: toGlobalId("Cadre", helper!.cadre_id) });
    // The triggering values are member data: their read is in the audit, with the household.
    const [entry] = await t.database.rows<{ fields: string[]; household_ids: number[] }>(
      sql`SELECT fields, household_ids FROM audit_log ORDER BY id DESC LIMIT 1`,
    );
    expect(entry!.fields).toEqual(expect.arrayContaining(["AlertTrigger.newValue", "AlertTrigger.oldValue"]));
    expect(entry!.household_ids).toContain(member.householdId);

    // More expense while the alert is being worked: no second alert for the same thing.
    await recordMedicalInsurance({
      memberId: member.id,
      version: member.version + 2,
      medicalExpenseOutOfPocket: 9000,
      medicalExpenseYear: thisYear,
      reason: "三次住院结算",
    });
    expect(await alertsOf(member.householdId)).toHaveLength(1);
  });

  it("uses the 20,000-yuan threshold for households monitored as marginal, not formerly poor", async () => {
    const member = await memberOf({ monitoringType: "MARGINAL", members: [{ age: 47 }] });
    const input = { memberId: member.id, medicalExpenseYear: thisYear, reason: "住院结算" };
    await recordMedicalInsurance({ ...input, version: member.version, medicalExpenseOutOfPocket: 8000 });
    expect(await alertsOf(member.householdId)).toEqual([]);
    await recordMedicalInsurance({ ...input, version: member.version + 1, medicalExpenseOutOfPocket: 21000 });
    const alerts = await alertsOf(member.householdId);
    expect(alerts.map((a) => [a.signal, a.trigger.threshold])).toEqual([["MEDICAL_EXPENSE", 20000]]);
  });

  it("raises a school-dropout alert for a child of compulsory-school age, not for a 17-year-old", async () => {
    const child = await memberOf({ members: [{ age: 11, schoolingStatus: "IN_SCHOOL" }, { age: 38 }] });
    const teenager = await memberOf({ members: [{ age: 17, schoolingStatus: "IN_SCHOOL" }, { age: 44 }] });
    for (const m of [child, teenager]) {
      const body = await gql<{ recordSchooling: { ok: boolean } }>(
        `mutation($input: RecordSchoolingInput!) { recordSchooling(input: $input) { ok } }`,
        { input: { memberId: m.id, version: m.version, schoolingStatus: "DROPPED_OUT", reason: "家访核实" } },
        await as("EDUCATION"),
      );
      expect(body.data?.recordSchooling.ok).toBe(true);
    }
    const alerts = await alertsOf(child.householdId);
    expect(alerts.map((a) => [a.signal, a.department, a.member?.id])).toEqual([
      ["SCHOOL_DROPOUT", "EDUCATION", child.id],
    ]);
    expect(alerts[0]!.trigger).toMatchObject({ oldValue: "IN_SCHOOL", newValue: "DROPPED_OUT" });
    expect(await alertsOf(teenager.householdId)).toEqual([]);
  });

  it("raises an unsafe-housing alert for an assessment of grade C or D, none for grade B", async () => {
    const house = { housingGrade: "B", housingRenovated: false, housingAssessedOn: "2022-04-01" } as const;
    const [unsafe, safe] = await Promise.all(
      [1, 2].map(async () => {
        const household = await t.facts.household({ region: "431221", housing: house });
        return { id: household.rowId, version: household.version };
      }),
    );
    const assess = async (h: { id: number; version: number }, grade: string) =>
      gql<{ recordHousingAssessment: { ok: boolean } }>(
        `mutation($input: RecordHousingAssessmentInput!) { recordHousingAssessment(input: $input) { ok } }`,
        {
          input: {
            householdId: toGlobalId("Household", h.id),
            version: h.version,
            housingGrade: grade,
            housingAssessedOn: new Date().toISOString().slice(0, 10),
            reason: "汛期排查",
          },
        },
        await as("HOUSING"),
      );
    expect((await assess(unsafe!, "D")).data?.recordHousingAssessment.ok).toBe(true);
    expect((await assess(safe!, "B")).data?.recordHousingAssessment.ok).toBe(true);
    const alerts = await alertsOf(unsafe!.id);
    expect(alerts.map((a) => [a.signal, a.department, a.trigger.newValue])).toEqual([
      ["UNSAFE_HOUSING", "HOUSING", "D"],
    ]);
    expect(await alertsOf(safe!.id)).toEqual([]);
  });

  it("raises a guarantee alert when a write turns basic medical care UNMET", async () => {
    const member = await memberOf({ members: [{ age: 60, hasBasicMedicalInsurance: true }, { age: 58 }] });
    const body = await recordMedicalInsurance({
      memberId: member.id,
      version: member.version,
      hasBasicMedicalInsurance: false,
      reason: "断缴核查",
    });
    expect(body.data?.recordMedicalInsurance.ok).toBe(true);
    const [alert] = await alertsOf(member.householdId);
    expect(alert).toMatchObject({
      signal: "GUARANTEE_UNMET",
      guaranteeItem: "BASIC_MEDICAL_CARE",
      department: "MEDICAL_INSURANCE",
      trigger: { field: "Member.hasBasicMedicalInsurance", oldValue: "MET", newValue: "UNMET" },
    });
    expect(alert!.trigger.basis).toMatch(/without basic medical insurance/);
  });

  it("raises one alert when two concurrent writes turn the same item UNMET", async () => {
    const household = await t.facts.household({ region: "431221", members: [{ age: 41 }, { age: 39 }] });
    const results = await Promise.all(
      household.members.map((m) =>
        recordMedicalInsurance({
          memberId: m.id,
          version: m.version,
          hasBasicMedicalInsurance: false,
          reason: "断缴核查",
        }),
      ),
    );
    expect(results.map((r) => r.data?.recordMedicalInsurance.ok)).toEqual([true, true]);
    const alerts = await alertsOf(household.rowId);
    expect(alerts.map((a) => [a.signal, a.guaranteeItem])).toEqual([["GUARANTEE_UNMET", "BASIC_MEDICAL_CARE"]]);
  });

  it("raises nothing when the write is not applied (a stale version)", async () => {
    const member = await memberOf({ status: "EXITED", members: [{ age: 66 }] });
    const body = await recordMedicalInsurance({
      memberId: member.id,
      version: member.version + 5,
      medicalExpenseOutOfPocket: 50000,
      medicalExpenseYear: thisYear,
      reason: "住院结算",
    });
    expect(body.data?.recordMedicalInsurance).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    expect(await alertsOf(member.householdId)).toEqual([]);
  });

  it("shows the alert to other departments without the values of fields they may not read", async () => {
    const [row] = await t.database.rows<{ household_id: number }>(
      sql`SELECT household_id FROM risk_alerts WHERE signal = 'MEDICAL_EXPENSE' ORDER BY id LIMIT 1`,
    );
    for (const department of ["EDUCATION", "HOUSING"]) {
      const [alert] = await alertsOf(row!.household_id, department, "431221");
      expect(alert!.trigger, department).toEqual({
        field: "Member.medicalExpenseOutOfPocket",
        oldValue: null,
        newValue: null,
        threshold: null,
        basis: null,
        valuesWithheld: true,
      });
    }
    // Civil affairs may read medical expenses (they weigh on 低保 and 特困), so it sees the values.
    const [civil] = await alertsOf(row!.household_id, "CIVIL_AFFAIRS", "431221");
    expect(civil!.trigger).toMatchObject({
      field: "Member.medicalExpenseOutOfPocket",
      oldValue: "4999",
      newValue: "5200",
      threshold: 5000,
      valuesWithheld: false,
    });
    // Transport has no part in monitoring: alerts are not in its contract at all.
    const transport = await gql(`{ alerts(first: 1) { nodes { id } } }`, {}, await as("TRANSPORT"));
    expect(transport.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(transport.data ?? null).toBeNull();
    // Nor does the household's history give the values away.
    const history = await gql<{
      household: { history: { field: string; newValue: string | null; valuesWithheld: boolean }[] };
    }>(
      `query($id: ID!) { household(id: $id) { history { field newValue valuesWithheld } } }`,
      { id: toGlobalId("Household", row!.household_id) },
      await as("EDUCATION"),
    );
    const expense = history.data!.household.history.filter((e) => e.field === "Member.medicalExpenseOutOfPocket");
    expect(expense.length).toBeGreaterThan(0);
    expect(expense.every((e) => e.valuesWithheld && e.newValue === null)).toBe(true);
    expect(JSON.stringify(history)).not.toContain("5200");
  });

  it("lists alerts by region, status, signal, department and age, in scope only", async () => {
    const list = async (filter: object, department = "RURAL_REVITALIZATION", region = "") => {
      const body = await gql<{ alerts: { totalCount: number; nodes: { signal: string; department: string }[] } }>(
        `query($f: AlertFilter) { alerts(first: 100, filter: $f) { totalCount nodes { signal department } } }`,
        { f: filter },
        await as(department, region),
      );
      expect(body.errors).toBeUndefined();
      return body.data!.alerts;
    };
    const all = await list({ regionCode: "431221" });
    expect(all.totalCount).toBeGreaterThanOrEqual(5);
    expect((await list({ regionCode: "431202" })).totalCount).toBe(0);
    expect((await list({ signal: ["SCHOOL_DROPOUT"] })).nodes.map((n) => n.department)).toEqual(["EDUCATION"]);
    expect((await list({ department: ["HOUSING"] })).nodes.map((n) => n.signal)).toEqual(["UNSAFE_HOUSING"]);
    expect((await list({ status: ["RESOLVED"] })).totalCount).toBe(0);
    expect((await list({ ageDays: { to: 0 } })).totalCount).toBe(all.totalCount);
    expect((await list({ ageDays: { from: 1 } })).totalCount).toBe(0);
    // A county health bureau elsewhere sees none of them.
    expect((await list({}, "HEALTH", "431202")).totalCount).toBe(0);
    expect((await list({}, "HEALTH", "431221")).totalCount).toBe(all.totalCount);
    const bad = await gql(`{ alerts(filter: { ageDays: { from: 3, to: 1 } }) { totalCount } }`, {}, await as("HEALTH"));
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("takes an alert through verified and assisting to resolved (风险消除), each step an event", async () => {
    const [row] = await t.database.rows<{ id: number; version: number }>(
      sql`SELECT id, version FROM risk_alerts WHERE signal = 'UNSAFE_HOUSING' ORDER BY id LIMIT 1`,
    );
    const alertId = toGlobalId("RiskAlert", row!.id);
    const advance = async (to: string, version: number, note = "入户核实", department = "RURAL_REVITALIZATION") =>
      gql<{
        advanceAlert: {
          ok: boolean;
          inputErrors: { path: string[]; code: string }[];
          error: { code: string; currentVersion: number | null } | null;
          record: { status: string; version: number; events: { toStatus: string; note: string }[] } | null;
        };
      }>(
        `mutation($input: AdvanceAlertInput!) { advanceAlert(input: $input) {
          ok inputErrors { path code } error { code currentVersion } record { status version events { toStatus note } } } }`,
        { input: { alertId, version, to, note } },
        await as(department, ""),
      );
    // Not straight to resolved, not without a note, not by another department, not with a stale version.
    expect((await advance("RESOLVED", row!.version)).data?.advanceAlert.error?.code).toBe("REFUSED");
    expect((await advance("VERIFIED", row!.version, " ")).data?.advanceAlert.inputErrors).toEqual([
      { path: ["input", "note"], code: "REQUIRED" },
    ]);
    // Working alerts is outside housing's contract: the mutation does not exist for it.
    expect((await advance("VERIFIED", row!.version, "x", "HOUSING")).errors?.[0]?.extensions?.code).toBe(
      "GRAPHQL_VALIDATION_FAILED",
    );
    let version = row!.version;
    for (const [to, note] of [
      ["VERIFIED", "入户核实：房屋墙体开裂"],
      ["ASSISTING", "纳入危房改造计划"],
      ["RESOLVED", "改造完成，风险消除"],
    ] as const) {
      const result = (await advance(to, version, note)).data!.advanceAlert;
      expect(result, to).toMatchObject({ ok: true, record: { status: to, version: version + 1 } });
      version += 1;
    }
    expect((await advance("DISMISSED", row!.version)).data?.advanceAlert.error).toMatchObject({
      code: "CONFLICT",
      currentVersion: version,
    });
    const [alert] = await alertsOf(
      (
        await t.database.rows<{ household_id: number }>(sql`SELECT household_id FROM risk_alerts WHERE id = ${row!.id}`)
      )[0]!.household_id,
    );
    expect(alert!.events.map((e) => [e.fromStatus, e.toStatus, e.note])).toEqual([
      [null, "OPEN", "raised by a HOUSING write"],
      ["OPEN", "VERIFIED", "入户核实：房屋墙体开裂"],
      ["VERIFIED", "ASSISTING", "纳入危房改造计划"],
      ["ASSISTING", "RESOLVED", "改造完成，风险消除"],
    ]);
    // The workflow's history cannot be rewritten, the database included.
    await expect(
      t.database.rows(sql`UPDATE alert_events SET note = 'x' WHERE alert_id = ${row!.id}`),
    ).rejects.toThrow();
  });
});
