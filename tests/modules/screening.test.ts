import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { toGlobalId } from "../../src/shared/global-id.js";
import { authHeaders, useTestApp } from "../helpers/app.js";

type Evidence = {
  field: string;
  department: string | null;
  value: string | null;
  year: number | null;
  members: number | null;
  valuesWithheld: boolean;
};
type Alert = {
  signal: string;
  screeningRule: string | null;
  department: string;
  trigger: { field: string; basis: string | null; evidence: Evidence[] };
};
type Run = {
  householdsScreened: number;
  alertsRaised: number;
  rules: { rule: string; found: number; raised: number }[];
};

const RUN = `mutation($region: String) { runScreening(regionCode: $region) { householdsScreened alertsRaised rules { rule found raised } } }`;
const ALERTS = `query($id: ID!) { household(id: $id) { alerts { signal screeningRule department
  trigger { field basis evidence { field department value year members valuesWithheld } } } } }`;

/**
 * 部门筛查预警: the bureau compares the departments' data periodically, not only on write. Each
 * rule finds the households where one department's data contradicts another's, and raises one
 * alert per household and rule, whose evidence each department sees only for the fields it may read.
 */
describe("cross-department screening", () => {
  const t = useTestApp();
  const bureau = () => authHeaders("RURAL_REVITALIZATION", "431221");

  async function alertsOf(householdId: number, department = "RURAL_REVITALIZATION") {
    const data = await t.data<{ household: { alerts: Alert[] } }>(
      ALERTS,
      { id: toGlobalId("Household", householdId) },
      await authHeaders(department, "431221"),
    );
    return data.household.alerts.filter((a) => a.signal === "DEPARTMENT_SCREENING");
  }

  const evidenceOf = (alert: Alert) => Object.fromEntries(alert.trigger.evidence.map((e) => [e.field, e]));

  it("raises each rule's alert once with both sides' evidence, and a second run raises nothing", async () => {
    // 低保 (civil affairs) while the verified income (registry) is far above the line.
    const allowance = await t.facts.household({ region: "431221", incomes: { 2024: 21_000 } });
    await t.database.rows(
      sql`UPDATE members SET receives_low_income_allowance = true WHERE household_id = ${allowance.rowId}`,
    );
    // A ten-year-old (registry birth date) recorded as not of school age (education).
    const school = await t.facts.household({
      region: "431221",
      members: [{ age: 38 }, { age: 10, schoolingStatus: "NOT_OF_SCHOOL_AGE" }],
    });
    // Under monitoring (registry) with an uninsured member (health).
    const uninsured = await t.facts.household({
      region: "431221",
      monitoringType: "MARGINAL",
      members: [{ age: 50 }, { age: 20, hasBasicMedicalInsurance: false }],
    });
    // Grade D (housing) with no housing project naming it (registry) — and a grade C one that has one.
    const unsafe = await t.facts.household({
      region: "431221",
      housing: { housingGrade: "D", housingAssessedOn: "2024-04-02" },
    });
    const planned = await t.facts.household({
      region: "431221",
      housing: { housingGrade: "C", housingAssessedOn: "2024-04-02" },
    });
    await t.facts.cadre();
    await t.database.rows(sql`
      WITH p AS (
        INSERT INTO projects (code, name, category, region_code, year, status, lead_agency_id)
        SELECT 'HS-2024-001', '危房改造', 'HOUSING', ${planned.villageCode}, 2024, 'IN_PROGRESS', min(id) FROM agencies
        RETURNING id
      ) INSERT INTO project_beneficiaries (project_id, household_id) SELECT id, ${planned.rowId} FROM p`);
    // A certificate holder of grade 1 (disabled persons' federation) without the nursing allowance.
    const disabled = await t.facts.household({ region: "431221", members: [{ age: 45 }, { age: 70 }] });
    await t.database.rows(sql`
      UPDATE members SET has_disability_certificate = true, disability_type = 'PHYSICAL', disability_grade = 1
      WHERE id = (SELECT max(id) FROM members WHERE household_id = ${disabled.rowId})`);
    // A twelve-year-old taught at home (送教上门) with its evidence: exempt, not a dropout.
    const homeTaught = await t.facts.household({
      region: "431221",
      members: [{ age: 40 }, { age: 12, schoolingStatus: "NOT_OF_SCHOOL_AGE" }],
    });
    await t.database.rows(sql`
      UPDATE members SET schooling_status = 'HOME_TAUGHT', schooling_exemption_evidence = '县教育局送教上门登记'
      WHERE household_id = ${homeTaught.rowId} AND schooling_status = 'NOT_OF_SCHOOL_AGE'`);
    // A household every department agrees on.
    const fine = await t.facts.household({ region: "431221", incomes: { 2024: 9000 } });

    const first = (await t.data<{ runScreening: Run }>(RUN, { region: "431221" }, await bureau())).runScreening;
    expect(first.householdsScreened).toBeGreaterThanOrEqual(6);
    expect(first.rules.map((r) => [r.rule, r.raised])).toEqual([
      ["ALLOWANCE_WITH_HIGH_INCOME", 1],
      ["SCHOOL_AGE_NOT_ENROLLED", 1],
      ["INSURANCE_LAPSE_MONITORED", 1],
      ["UNSAFE_HOUSING_WITHOUT_RENOVATION", 1],
      ["DISABILITY_CERTIFICATE_WITHOUT_ALLOWANCE", 1],
    ]);
    expect(first.alertsRaised).toBe(5);

    const second = (await t.data<{ runScreening: Run }>(RUN, { region: "431221" }, await bureau())).runScreening;
    expect(second.alertsRaised).toBe(0);
    expect(second.rules.map((r) => r.found)).toEqual([1, 1, 1, 1, 1]);

    const found = async (id: number) => (await alertsOf(id)).map((a) => a.screeningRule);
    expect(await found(allowance.rowId)).toEqual(["ALLOWANCE_WITH_HIGH_INCOME"]);
    expect(await found(school.rowId)).toEqual(["SCHOOL_AGE_NOT_ENROLLED"]);
    expect(await found(uninsured.rowId)).toEqual(["INSURANCE_LAPSE_MONITORED"]);
    expect(await found(unsafe.rowId)).toEqual(["UNSAFE_HOUSING_WITHOUT_RENOVATION"]);
    expect(await found(disabled.rowId)).toEqual(["DISABILITY_CERTIFICATE_WITHOUT_ALLOWANCE"]);
    expect(await found(homeTaught.rowId)).toEqual([]);
    expect(await found(planned.rowId)).toEqual([]);
    expect(await found(fine.rowId)).toEqual([]);

    const [allowanceAlert] = await alertsOf(allowance.rowId);
    expect(allowanceAlert!.department).toBe("RURAL_REVITALIZATION");
    expect(evidenceOf(allowanceAlert!)).toMatchObject({
      "Member.receivesLowIncomeAllowance": {
        department: "CIVIL_AFFAIRS",
        value: "true",
        members: 1,
        valuesWithheld: false,
      },
      "HouseholdIncome.perCapitaNetIncome": { department: "RURAL_REVITALIZATION", value: "21000", year: 2024 },
    });
  });

  it("shows each department only the evidence of fields it may read", async () => {
    const [allowance] = await t.database.rows<{ household_id: number }>(
      sql`SELECT household_id FROM risk_alerts WHERE screening_rule = 'ALLOWANCE_WITH_HIGH_INCOME'`,
    );
    const sides = async (department: string) =>
      Object.fromEntries(
        (await alertsOf(allowance!.household_id, department))[0]!.trigger.evidence.map((e) => [e.field, e.value]),
      );
    // Civil affairs reads both the allowance it stewards and incomes.
    expect(await sides("CIVIL_AFFAIRS")).toEqual({
      "Member.receivesLowIncomeAllowance": "true",
      "HouseholdIncome.perCapitaNetIncome": "21000",
    });
    // Health reads the allowance, not incomes; education reads neither.
    expect(await sides("HEALTH")).toEqual({
      "Member.receivesLowIncomeAllowance": "true",
      "HouseholdIncome.perCapitaNetIncome": null,
    });
    const education = (await alertsOf(allowance!.household_id, "EDUCATION"))[0]!.trigger.evidence;
    expect(education.every((e) => e.valuesWithheld && e.value === null && e.year === null && e.members === null)).toBe(
      true,
    );

    const [lapse] = await t.database.rows<{ household_id: number }>(
      sql`SELECT household_id FROM risk_alerts WHERE screening_rule = 'INSURANCE_LAPSE_MONITORED'`,
    );
    const housing = evidenceOf((await alertsOf(lapse!.household_id, "HOUSING"))[0]!);
    expect(housing["Household.monitoringStatus"]).toMatchObject({ value: "MONITORED", valuesWithheld: false });
    expect(housing["Member.hasBasicMedicalInsurance"]).toMatchObject({
      value: null,
      members: null,
      valuesWithheld: true,
    });
  });

  it("lists its rules with the departments whose data they compare; only the registry owner runs it", async () => {
    const { screeningRules } = await t.data<{
      screeningRules: { code: string; departments: string[]; threshold: { config: string; value: number } | null }[];
    }>(`{ screeningRules { code departments threshold { config value } } }`, {}, await authHeaders("HEALTH", "431221"));
    expect(screeningRules.find((r) => r.code === "ALLOWANCE_WITH_HIGH_INCOME")).toEqual({
      code: "ALLOWANCE_WITH_HIGH_INCOME",
      departments: ["CIVIL_AFFAIRS", "RURAL_REVITALIZATION"],
      threshold: { config: "SCREENING_ALLOWANCE_INCOME_FACTOR", value: 2 },
    });
    // Insurance enrolment is stewarded by medical insurance (the policy's owner of the field).
    expect(screeningRules.find((r) => r.code === "INSURANCE_LAPSE_MONITORED")!.departments).toEqual([
      "RURAL_REVITALIZATION",
      "MEDICAL_INSURANCE",
    ]);

    const education = await t.query(RUN, { region: "431221" }, await authHeaders("EDUCATION", "431221"));
    expect(education.errors?.length).toBeGreaterThan(0);
    const elsewhere = await t.query(RUN, { region: "431202" }, await authHeaders("RURAL_REVITALIZATION", "431221"));
    expect(elsewhere.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("alerts a household again once its earlier screening alert was dismissed and the conflict remains", async () => {
    await t.database.rows(
      sql`UPDATE risk_alerts SET status = 'DISMISSED' WHERE screening_rule = 'UNSAFE_HOUSING_WITHOUT_RENOVATION'`,
    );
    const run = (await t.data<{ runScreening: Run }>(RUN, { region: "431221" }, await bureau())).runScreening;
    expect(run.rules.find((r) => r.rule === "UNSAFE_HOUSING_WITHOUT_RENOVATION")!.raised).toBe(1);
    expect(run.alertsRaised).toBe(1);
  });
});
