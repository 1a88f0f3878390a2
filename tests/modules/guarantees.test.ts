import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { toGlobalId } from "../../src/shared/global-id.js";
import { authHeaders, useTestApp } from "../helpers/app.js";

interface Item {
  status: string;
  basis: string;
  suppliedBy: string;
  year: number | null;
}
interface Guarantees {
  anyUnmet: boolean;
  foodAndClothing: Item;
  compulsoryEducation: Item;
  basicMedicalCare: Item;
  housingSafety: Item;
  safeDrinkingWater: Item;
}

/** Each household states the facts its 两不愁三保障 depend on: its incomes, its members, its house. */
const t = useTestApp();

const GUARANTEES = /* GraphQL */ `
  query ($id: ID!) {
    household(id: $id) {
      guarantees {
        anyUnmet
        foodAndClothing {
          status
          basis
          suppliedBy
          year
        }
        compulsoryEducation {
          status
          basis
          suppliedBy
          year
        }
        basicMedicalCare {
          status
          basis
          suppliedBy
          year
        }
        housingSafety {
          status
          basis
          suppliedBy
          year
        }
        safeDrinkingWater {
          status
          basis
          suppliedBy
          year
        }
      }
    }
  }
`;

async function guaranteesOf(householdId: number, headers?: Record<string, string>): Promise<Guarantees> {
  const { household } = await t.data<{ household: { guarantees: Guarantees } }>(
    GUARANTEES,
    { id: toGlobalId("Household", householdId) },
    headers,
  );
  return household.guarantees;
}

/** Names and identity numbers of a household's members: none may appear in a basis. */
async function personalStrings(householdId: number): Promise<string[]> {
  const rows = await t.database.rows<{ name: string; id_number: string }>(
    sql`SELECT name, id_number FROM members WHERE household_id = ${householdId}`,
  );
  return rows.flatMap((r) => [r.name, r.id_number]);
}

function expectNoPersonalData(guarantees: Guarantees, personal: string[]) {
  const text = JSON.stringify(guarantees);
  for (const s of personal) expect(text).not.toContain(s);
}

/** The monitoring line of a year everywhere (the standards' rows without a region). */
async function lineOf(year: number): Promise<number> {
  const [row] = await t.database.rows<{ line: string }>(sql`SELECT monitoring_line(${year}, '431221000000') AS line`);
  return Number(row!.line);
}

describe("a rural revitalization officer reads a household's 两不愁三保障", () => {
  it("food and clothing is UNMET when the latest income is below that year's threshold", async () => {
    const year = 2023;
    const threshold = await lineOf(year);
    const { rowId: id } = await t.facts.household({ incomes: { 2022: threshold + 3000, [year]: threshold - 770 } });
    const below = await guaranteesOf(id);
    expect(below.foodAndClothing).toMatchObject({ status: "UNMET", suppliedBy: "RURAL_REVITALIZATION", year });
    expect(below.foodAndClothing.basis).toContain(`${year} per-capita net income`);
    expect(below.foodAndClothing.basis).toContain(`< threshold ${threshold.toLocaleString("en-US")}`);
    expect(below.anyUnmet).toBe(true);

    await t.database.rows(
      sql`UPDATE household_incomes SET per_capita_net_income = ${threshold}
          WHERE household_id = ${id} AND year = ${year}`,
    );
    const atThreshold = await guaranteesOf(id);
    expect(atThreshold.foodAndClothing.status).toBe("MET");
    expectNoPersonalData(atThreshold, await personalStrings(id));
  });

  it("food and clothing is UNKNOWN without any income row", async () => {
    const { rowId: id } = await t.facts.household({ incomes: {} });
    const g = await guaranteesOf(id);
    expect(g.foodAndClothing).toEqual({
      status: "UNKNOWN",
      basis: "no income recorded",
      suppliedBy: "RURAL_REVITALIZATION",
      year: null,
    });
  });

  it("a dropped-out member of compulsory-school age makes compulsory education UNMET", async () => {
    const household = await t.facts.household({ members: [{ age: 39 }, { age: 10, schoolingStatus: "IN_SCHOOL" }] });
    const m = { id: household.members[1]!.rowId, household_id: household.rowId };
    const inSchool = await guaranteesOf(m.household_id);
    expect(inSchool.compulsoryEducation).toMatchObject({ status: "MET", suppliedBy: "EDUCATION" });

    await t.database.rows(sql`UPDATE members SET schooling_status = 'DROPPED_OUT' WHERE id = ${m.id}`);
    const out = await guaranteesOf(m.household_id);
    expect(out.compulsoryEducation.status).toBe("UNMET");
    expect(out.compulsoryEducation.basis).toMatch(/^1 of \d+ members? aged 6–15 dropped out$/);
    expect(out.anyUnmet).toBe(true);
    expectNoPersonalData(out, await personalStrings(m.household_id));
  });

  it("a household with no member of school age meets compulsory education", async () => {
    const h = await t.facts.household({ members: [{ age: 45 }, { age: 17 }, { age: 5 }] });
    const g = await guaranteesOf(h.rowId);
    expect(g.compulsoryEducation).toMatchObject({ status: "MET", basis: "no member of compulsory-school age" });
  });

  it("an uninsured member makes basic medical care UNMET, with the count", async () => {
    const household = await t.facts.household({ members: [{ age: 55 }, { age: 53 }, { age: 20 }] });
    const hid = household.rowId;
    expect((await guaranteesOf(hid)).basicMedicalCare).toMatchObject({
      status: "MET",
      suppliedBy: "MEDICAL_INSURANCE",
    });

    await t.database.rows(
      sql`UPDATE members SET has_basic_medical_insurance = false WHERE id = ${household.members[0]!.rowId}`,
    );
    const [{ n } = { n: 0 }] = await t.database.rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM members WHERE household_id = ${hid}`,
    );
    const g = await guaranteesOf(hid);
    expect(g.basicMedicalCare.status).toBe("UNMET");
    expect(g.basicMedicalCare.basis).toBe(
      `1 of ${n} ${n === 1 ? "member" : "members"} without basic medical insurance`,
    );
  });

  it("grade D not renovated is UNMET; renovated is MET; no grade is UNKNOWN", async () => {
    const { rowId: id } = await t.facts.household({
      housing: {
        housingGrade: "D",
        housingRenovated: false,
        housingRenovationYear: null,
        housingAssessedOn: "2022-05-01",
      },
    });
    expect((await guaranteesOf(id)).housingSafety).toEqual({
      status: "UNMET",
      basis: "grade D, not renovated",
      suppliedBy: "HOUSING",
      year: 2022,
    });
    await t.database.rows(
      sql`UPDATE households SET housing_renovated = true, housing_renovation_year = 2023 WHERE id = ${id}`,
    );
    expect((await guaranteesOf(id)).housingSafety).toEqual({
      status: "MET",
      basis: "grade D, renovated in 2023",
      suppliedBy: "HOUSING",
      year: 2023,
    });
    await t.database.rows(
      sql`UPDATE households SET housing_grade = NULL, housing_renovated = false, housing_renovation_year = NULL,
          housing_assessed_on = NULL WHERE id = ${id}`,
    );
    expect((await guaranteesOf(id)).housingSafety.status).toBe("UNKNOWN");
  });

  it("housing safety follows the latest assessment: a renovated house graded D afterwards is UNMET again", async () => {
    const household = await t.facts.household({
      region: "431221",
      housing: {
        housingGrade: "D",
        housingAssessedOn: "2017-04-20",
        housingRenovated: true,
        housingRenovationYear: 2018,
      },
    });
    expect((await guaranteesOf(household.rowId)).housingSafety).toMatchObject({
      status: "MET",
      basis: "grade D, renovated in 2018",
    });
    const housing = await authHeaders("HOUSING", "431221");
    const assess = async (version: number, input: object) => {
      const { recordHousingAssessment } = await t.data<{ recordHousingAssessment: { ok: boolean } }>(
        `mutation($input: RecordHousingAssessmentInput!) { recordHousingAssessment(input: $input) { ok } }`,
        { input: { householdId: household.id, version, ...input } },
        housing,
      );
      expect(recordHousingAssessment.ok).toBe(true);
    };
    // The housing officer's 2024 survey finds the renovated house dangerous again.
    await assess(household.version, {
      housingGrade: "D",
      housingAssessedOn: "2024-04-10",
      reason: "2024年农房安全排查",
    });
    expect((await guaranteesOf(household.rowId)).housingSafety).toEqual({
      status: "UNMET",
      basis: "grade D assessed 2024-04-10, after the renovation in 2018",
      suppliedBy: "HOUSING",
      year: 2024,
    });
    const unmet = await t.data<{ householdsWithUnmetGuarantees: { nodes: { id: string }[] } }>(
      `{ householdsWithUnmetGuarantees(regionCode: "431221", item: HOUSING_SAFETY, first: 500) { nodes { id } } }`,
    );
    expect(unmet.householdsWithUnmetGuarantees.nodes.map((n) => n.id)).toContain(household.id);
    const { household: alerted } = await t.data<{ household: { alerts: { signal: string }[] } }>(
      `query($id: ID!) { household(id: $id) { alerts { signal } } }`,
      { id: household.id },
    );
    expect(alerted.alerts.map((a) => a.signal)).toEqual(["UNSAFE_HOUSING"]);

    // Renovated again the same year: safe again.
    await assess(household.version + 1, {
      housingRenovated: true,
      housingRenovationYear: 2024,
      reason: "再次改造竣工",
    });
    expect((await guaranteesOf(household.rowId)).housingSafety).toMatchObject({ status: "MET" });
    const after = await t.data<{ householdsWithUnmetGuarantees: { nodes: { id: string }[] } }>(
      `{ householdsWithUnmetGuarantees(regionCode: "431221", item: HOUSING_SAFETY, first: 500) { nodes { id } } }`,
    );
    expect(after.householdsWithUnmetGuarantees.nodes.map((n) => n.id)).not.toContain(household.id);
  });

  it("a child exempt from school for physical reasons meets compulsory education and is no dropout", async () => {
    const household = await t.facts.household({
      members: [{ age: 41 }, { age: 11, schoolingStatus: "DROPPED_OUT" }],
    });
    const child = household.members[1]!;
    expect((await guaranteesOf(household.rowId)).compulsoryEducation.status).toBe("UNMET");
    await t.database.rows(
      sql`UPDATE members SET schooling_status = 'EXEMPT_FOR_HEALTH', schooling_exemption_evidence = '医学鉴定：不具备学习条件'
          WHERE id = ${child.rowId}`,
    );
    expect((await guaranteesOf(household.rowId)).compulsoryEducation).toMatchObject({
      status: "MET",
      basis: "none of 1 member aged 6–15 dropped out; 1 exempt (送教上门 / 因身体原因)",
      suppliedBy: "EDUCATION",
    });
    const unmet = await t.data<{ householdsWithUnmetGuarantees: { nodes: { id: string }[] } }>(
      `{ householdsWithUnmetGuarantees(item: COMPULSORY_EDUCATION, first: 500) { nodes { id } } }`,
    );
    expect(unmet.householdsWithUnmetGuarantees.nodes.map((n) => n.id)).not.toContain(household.id);
  });

  it("safe drinking water follows the household's assessment", async () => {
    const { rowId: id } = await t.facts.household();
    for (const [value, status] of [
      [true, "MET"],
      [false, "UNMET"],
      [null, "UNKNOWN"],
    ] as const) {
      await t.database.rows(sql`UPDATE households SET drinking_water_safe = ${value} WHERE id = ${id}`);
      expect((await guaranteesOf(id)).safeDrinkingWater).toMatchObject({ status, suppliedBy: "WATER_RESOURCES" });
    }
  });
});

describe("other departments", () => {
  it("an education officer sees the status but not the income figure behind it", async () => {
    const { rowId: id } = await t.facts.household({ incomes: { 2023: 9500 } });
    const registry = await guaranteesOf(id);
    expect(registry.foodAndClothing.basis).toContain(" yuan ");
    const education = await guaranteesOf(id, await authHeaders("EDUCATION"));
    expect(education.foodAndClothing.status).toBe(registry.foodAndClothing.status);
    expect(education.foodAndClothing.basis).not.toContain("yuan");
  });
});
