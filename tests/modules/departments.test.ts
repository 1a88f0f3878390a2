import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { parse as parseYaml, stringify } from "yaml";
import { createApp } from "../../src/app.js";
import { defaultPolicyPath, loadPolicyFile, parsePolicy } from "../../src/access/policy.js";
import { signToken } from "../../src/access/token.js";
import { authHeaders, request, testConfig, useTestApp } from "../helpers/app.js";

type Result = {
  ok: boolean;
  inputErrors: { path: string[]; code: string }[];
  error: { code: string } | null;
  record: Record<string, unknown> | null;
};

/**
 * The stewards the 2021 measures name (seed 003): 水利 for drinking water, 人社 for employment and
 * pensions, 医保 for insurance and what it pays, 残联 for disability — each writes its own fields,
 * and a department is added by the policy file alone.
 */
describe("the departments that steward return-to-poverty data", () => {
  const t = useTestApp();
  const as = (department: string, region = "431221") => authHeaders(department, region);

  async function mutate(field: string, input: object, headers: Record<string, string>, record = "version") {
    const inputType = `${field.charAt(0).toUpperCase()}${field.slice(1)}Input`;
    const response = await t.query<Record<string, Result>>(
      `mutation($input: ${inputType}!) { ${field}(input: $input) { ok inputErrors { path code } error { code } record { ${record} } } }`,
      { input },
      headers,
    );
    return { errors: response.errors, result: response.data?.[field] };
  }

  it("lets the medical-insurance officer record enrolment and subsidy, which health can no longer do", async () => {
    const household = await t.facts.household({
      region: "431221",
      members: [
        { age: 58, hasBasicMedicalInsurance: true },
        { age: 55, hasBasicMedicalInsurance: true },
      ],
    });
    const member = household.members[1]!;
    const enrolment = {
      memberId: member.id,
      version: member.version,
      hasBasicMedicalInsurance: false,
      reason: "2024年度未续保",
    };
    // Health keeps health status and family doctors; enrolment is no longer its write.
    const byHealth = await mutate("recordMedicalInsurance", enrolment, await as("HEALTH"));
    expect(byHealth.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const oldWay = await mutate("recordHealth", enrolment, await as("HEALTH"));
    expect(oldWay.errors?.[0]?.message).toContain("hasBasicMedicalInsurance");

    const insurance = await as("MEDICAL_INSURANCE");
    const lapsed = await mutate("recordMedicalInsurance", enrolment, insurance, "version hasBasicMedicalInsurance");
    expect(lapsed.result).toMatchObject({ ok: true, record: { hasBasicMedicalInsurance: false } });
    const enrolled = await mutate(
      "recordMedicalInsurance",
      {
        memberId: member.id,
        version: member.version + 1,
        hasBasicMedicalInsurance: true,
        insuranceSubsidyCategory: "FORMERLY_POOR",
        medicalExpenseReimbursed: 12600,
        medicalExpenseOutOfPocket: 1400,
        medicalExpenseYear: 2024,
        reason: "分类资助参保",
      },
      insurance,
      "insuranceSubsidyCategory medicalExpenseReimbursed medicalExpenseOutOfPocket",
    );
    expect(enrolled.result).toMatchObject({
      ok: true,
      record: {
        insuranceSubsidyCategory: "FORMERLY_POOR",
        medicalExpenseReimbursed: 12600,
        medicalExpenseOutOfPocket: 1400,
      },
    });

    const { household: read } = await t.data<{
      household: {
        alerts: { guaranteeItem: string; department: string }[];
        guarantees: { basicMedicalCare: { status: string; suppliedBy: string } };
      };
    }>(
      `query($id: ID!) { household(id: $id) { alerts { guaranteeItem department } guarantees { basicMedicalCare { status suppliedBy } } } }`,
      { id: household.id },
    );
    // The lapse raised the alert in the insurer's name; enrolment again meets the item.
    expect(read.alerts).toEqual([{ guaranteeItem: "BASIC_MEDICAL_CARE", department: "MEDICAL_INSURANCE" }]);
    expect(read.guarantees.basicMedicalCare).toEqual({ status: "MET", suppliedBy: "MEDICAL_INSURANCE" });
  });

  it("lets the human-resources officer record a public-welfare job and a pension paid by the government", async () => {
    const household = await t.facts.household({ region: "431221", members: [{ age: 62 }] });
    const head = household.members[0]!;
    const hr = await as("HUMAN_RESOURCES");
    const job = await mutate(
      "recordEmployment",
      {
        memberId: head.id,
        version: head.version,
        employment: "PUBLIC_WELFARE_POST",
        employmentPlace: "村护林员",
        employmentMonths: 12,
        hasPublicWelfareJob: true,
        hasVocationalTraining: true,
        reason: "公益岗位聘用",
      },
      hr,
      "version employment hasPublicWelfareJob",
    );
    expect(job.result).toMatchObject({
      ok: true,
      record: { employment: "PUBLIC_WELFARE_POST", hasPublicWelfareJob: true },
    });
    // 代缴 pays an enrolled member's premium: not one who is not enrolled.
    const notEnrolled = await mutate(
      "recordPension",
      { memberId: head.id, version: head.version + 1, pensionPremiumPaidByGovernment: true, reason: "代缴" },
      hr,
    );
    expect(notEnrolled.result!.inputErrors).toEqual([
      expect.objectContaining({ path: ["input", "pensionPremiumPaidByGovernment"], code: "INCONSISTENT" }),
    ]);
    const paid = await mutate(
      "recordPension",
      {
        memberId: head.id,
        version: head.version + 1,
        hasPensionInsurance: true,
        pensionPremiumPaidByGovernment: true,
        reason: "参保并代缴最低档",
      },
      hr,
      "hasPensionInsurance pensionPremiumPaidByGovernment",
    );
    expect(paid.result).toMatchObject({
      ok: true,
      record: { hasPensionInsurance: true, pensionPremiumPaidByGovernment: true },
    });
    // The registry owner reads employment but no longer writes it.
    const registry = await mutate(
      "recordEmployment",
      { memberId: head.id, version: head.version + 2, employment: "FARMING", reason: "x" },
      await as("RURAL_REVITALIZATION"),
    );
    // A mutation of a group it does not own is not in its contract at all.
    expect(registry.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("lets the 残联 officer record a certified disability and its allowances; civil affairs reads them", async () => {
    const household = await t.facts.household({ region: "431221", members: [{ age: 47 }] });
    const head = household.members[0]!;
    const recorded = await mutate(
      "recordDisability",
      {
        memberId: head.id,
        version: head.version,
        disabilityType: "PHYSICAL",
        disabilityGrade: 1,
        hasDisabilityCertificate: true,
        receivesDisabilityLivingAllowance: true,
        receivesDisabilityNursingAllowance: true,
        reason: "残疾人证核发，两项补贴认定",
      },
      await as("DISABLED_PERSONS_FEDERATION"),
      "disabilityGrade hasDisabilityCertificate receivesDisabilityNursingAllowance",
    );
    expect(recorded.result).toMatchObject({
      ok: true,
      record: { disabilityGrade: 1, hasDisabilityCertificate: true, receivesDisabilityNursingAllowance: true },
    });
    const civil = await t.data<{ member: { disabilityGrade: number; receivesDisabilityLivingAllowance: boolean } }>(
      `query($id: ID!) { member(id: $id) { disabilityGrade receivesDisabilityLivingAllowance } }`,
      { id: head.id },
      await as("CIVIL_AFFAIRS"),
    );
    expect(civil.member).toEqual({ disabilityGrade: 1, receivesDisabilityLivingAllowance: true });
    const oldWay = await mutate(
      "recordAssistance",
      { memberId: head.id, version: head.version + 1, disabilityType: "VISUAL", disabilityGrade: 2, reason: "x" },
      await as("CIVIL_AFFAIRS"),
    );
    expect(oldWay.errors?.[0]?.message).toContain("disabilityType");
  });

  it("gives a village and its county a poverty incidence: poor members ÷ registered population", async () => {
    const region = "431299900201";
    const village = await t.facts.village(region);
    await t.facts.household({ region, status: "POOR", members: [{ age: 50 }, { age: 48 }, { age: 20 }] });
    await t.facts.household({ region, status: "EXITED", members: [{ age: 60 }, { age: 58 }] });
    // The village's 户籍人口 is far larger than its registry: 3 people of 400 are poor now.
    await t.database.rows(
      sql`UPDATE villages SET registered_population = 400, registered_households = 120,
            registered_poor_population = 5, registered_poor_households = 2 WHERE code = ${region}`,
    );
    const figures = await t.data<{
      village: { registeredPopulation: number; registeredPoorPopulation: number; povertyIncidence: number };
      region: { registeredPopulation: number; registeredPoorPopulation: number; povertyIncidence: number };
    }>(
      `query($id: ID!) {
        village(id: $id) { registeredPopulation registeredPoorPopulation povertyIncidence }
        region(code: "431299000000") { registeredPopulation registeredPoorPopulation povertyIncidence } }`,
      { id: village.id },
    );
    expect(figures.village).toEqual({
      registeredPopulation: 400,
      registeredPoorPopulation: 5,
      povertyIncidence: 0.0075,
    });
    expect(figures.region).toEqual({
      registeredPopulation: 400,
      registeredPoorPopulation: 5,
      povertyIncidence: 0.0075,
    });
    // The public sees no count under 5, nor an incidence that would give it away.
    const anonymous = await request<{ village: { povertyIncidence: number | null } }>(
      t.app,
      { query: `query($id: ID!) { village(id: $id) { povertyIncidence } }`, variables: { id: village.id } },
      {},
    );
    expect(anonymous.data?.village.povertyIncidence).toBeNull();
  });

  it("serves a department added in a policy file alone, and names a field's steward from the policy", async () => {
    const policy = loadPolicyFile();
    const data = parseYaml(stringify(policy)) as typeof policy;
    data.departments.STATISTICS = "统计局 — added by editing the policy alone";
    for (const group of [
      "regions",
      "village-core",
      "counts",
      "household-core",
      "member-basic",
      "monitoring-guarantees",
    ]) {
      data.groups[group]!.access.STATISTICS = "read";
    }
    // It also becomes the steward of household drinking water, in place of WATER_RESOURCES.
    data.groups["household-water"]!.owner = "STATISTICS";
    data.groups["household-water"]!.access.WATER_RESOURCES = "read";
    data.groups["household-water"]!.access.STATISTICS = "own";
    const app = await createApp(testConfig, t.database, { policy: parsePolicy(stringify(data)) });
    try {
      const household = await t.facts.household({ region: "431221", status: "POOR" });
      const headers = {
        authorization: `Bearer ${await signToken(testConfig, { sub: "stat-1", department: "STATISTICS", region: "431221" })}`,
      };
      const read = await request<{
        household: {
          householdNumber: string;
          drinkingWaterSafe: boolean;
          members: { name: string }[];
          village: { povertyIncidence: number | null };
          guarantees: { safeDrinkingWater: { suppliedBy: string }; housingSafety: { suppliedBy: string } };
        };
      }>(
        app,
        {
          query: `query($id: ID!) { household(id: $id) {
            householdNumber drinkingWaterSafe members { name } village { povertyIncidence }
            guarantees { safeDrinkingWater { suppliedBy } housingSafety { suppliedBy } } } }`,
          variables: { id: household.id },
        },
        headers,
      );
      expect(read.errors).toBeUndefined();
      expect(read.data!.household.members).toHaveLength(1);
      expect(read.data!.household.guarantees).toEqual({
        safeDrinkingWater: { suppliedBy: "STATISTICS" },
        housingSafety: { suppliedBy: "HOUSING" },
      });
      // What it was not granted is not even in its contract (built from the policy): identity numbers.
      const denied = await app.graphql(
        { query: `query($id: ID!) { household(id: $id) { members { idNumber } } }`, variables: { id: household.id } },
        headers,
      );
      expect(denied.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    } finally {
      await app.stop();
    }
  });

  it("names no department in the server's code: which department does what is the policy's", () => {
    const policy = loadPolicyFile(defaultPolicyPath);
    const codes = Object.keys(policy.departments).filter((d) => d !== "PUBLIC");
    // The system principal (tools, seeds) acts as the registry owner: the one name the code may hold.
    // Database enum values share a department's word (住建, 教育, 卫健 project categories, 教育 expenses,
    // health, education and housing assistance): vocabulary kept in src/db/enums.ts alone.
    const allowed = new Set([
      "src/access/access.ts:RURAL_REVITALIZATION",
      "src/db/enums.ts:HOUSING",
      "src/db/enums.ts:EDUCATION",
      "src/db/enums.ts:HEALTH",
    ]);
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith(".ts")) {
          const text = readFileSync(path, "utf8");
          for (const code of codes) {
            if (new RegExp(`["'\`]${code}["'\`]`).test(text) && !allowed.has(`${path}:${code}`)) {
              found.push(`${path}: ${code}`);
            }
          }
        }
      }
    };
    walk("src");
    expect(found).toEqual([]);
  });
});
