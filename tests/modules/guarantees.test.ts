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
    expect((await guaranteesOf(hid)).basicMedicalCare).toMatchObject({ status: "MET", suppliedBy: "HEALTH" });

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

  it("safe drinking water follows the household's assessment", async () => {
    const { rowId: id } = await t.facts.household();
    for (const [value, status] of [
      [true, "MET"],
      [false, "UNMET"],
      [null, "UNKNOWN"],
    ] as const) {
      await t.database.rows(sql`UPDATE households SET drinking_water_safe = ${value} WHERE id = ${id}`);
      expect((await guaranteesOf(id)).safeDrinkingWater).toMatchObject({ status, suppliedBy: "RURAL_REVITALIZATION" });
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
