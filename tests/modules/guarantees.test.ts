import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authHeaders, createTestApp, testConfig } from "../helpers/app.js";
import { fullAccess } from "../../src/access/access.js";
import { createContext } from "../../src/context.js";
import type { App } from "../../src/app.js";
import {
  listHouseholdsWithUnmetGuarantees,
  MONITORING_THRESHOLDS,
  thresholdFor,
} from "../../src/modules/monitoring/guarantee.service.js";
import { today } from "../../src/shared/dates.js";
import { toGlobalId } from "../../src/shared/global-id.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";

// Response shapes are checked by assertions, not by the compiler.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

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

async function query(q: string, variables: Record<string, unknown> = {}, headers?: Record<string, string>) {
  const before = database.statements.count;
  const { body } = await app.graphql({ query: q, variables }, headers);
  const b = body as { data?: Json; errors?: { message: string; extensions?: { code?: string } }[] };
  return { ...b, statements: database.statements.count - before };
}

async function ok(q: string, variables: Record<string, unknown> = {}, headers?: Record<string, string>) {
  const result = await query(q, variables, headers);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result;
}

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

async function guaranteesOf(householdId: number, headers?: Record<string, string>): Promise<Json> {
  const { data } = await ok(GUARANTEES, { id: toGlobalId("Household", householdId) }, headers);
  return data!.household.guarantees;
}

/** Names and identity numbers of a household's members: none may appear in a basis. */
async function personalStrings(householdId: number): Promise<string[]> {
  const rows = await database.rows<{ name: string; id_number: string }>(
    sql`SELECT name, id_number FROM members WHERE household_id = ${householdId}`,
  );
  return rows.flatMap((r) => [r.name, r.id_number]);
}

function expectNoPersonalData(guarantees: Json, personal: string[]) {
  const text = JSON.stringify(guarantees);
  for (const s of personal) expect(text).not.toContain(s);
}

describe("monitoring thresholds", () => {
  it("take the year's threshold, or the latest configured year before it", () => {
    expect(thresholdFor(2021)).toBe(MONITORING_THRESHOLDS[2021]);
    expect(thresholdFor(2030)).toBe(MONITORING_THRESHOLDS[2024]);
    expect(thresholdFor(2015)).toBeNull();
  });
});

describe("a rural revitalization officer reads a household's 两不愁三保障", () => {
  it("food and clothing is UNMET when the latest income is below that year's threshold", async () => {
    const [row] = await database.rows<{ household_id: number; year: number }>(
      sql`SELECT DISTINCT ON (household_id) household_id, year FROM household_incomes
          WHERE year >= 2019 ORDER BY household_id, year DESC LIMIT 1`,
    );
    expect(row).toBeDefined();
    const { household_id: id, year } = row!;
    const threshold = thresholdFor(year)!;
    await database.rows(
      sql`UPDATE household_incomes SET per_capita_net_income = ${threshold - 770}
          WHERE household_id = ${id} AND year = ${year}`,
    );
    const below = await guaranteesOf(id);
    expect(below.foodAndClothing).toMatchObject({ status: "UNMET", suppliedBy: "RURAL_REVITALIZATION", year });
    expect(below.foodAndClothing.basis).toContain(`${year} per-capita net income`);
    expect(below.foodAndClothing.basis).toContain(`< threshold ${threshold.toLocaleString("en-US")}`);
    expect(below.anyUnmet).toBe(true);

    await database.rows(
      sql`UPDATE household_incomes SET per_capita_net_income = ${threshold}
          WHERE household_id = ${id} AND year = ${year}`,
    );
    const atThreshold = await guaranteesOf(id);
    expect(atThreshold.foodAndClothing.status).toBe("MET");
    expectNoPersonalData(atThreshold, await personalStrings(id));
  });

  it("food and clothing is UNKNOWN without any income row", async () => {
    const [row] = await database.rows<{ id: number }>(
      sql`SELECT id FROM households h WHERE NOT EXISTS (SELECT 1 FROM household_incomes i WHERE i.household_id = h.id)
          ORDER BY id LIMIT 1`,
    );
    let id = row?.id;
    if (id === undefined) {
      const [any] = await database.rows<{ id: number }>(sql`SELECT id FROM households ORDER BY id DESC LIMIT 1`);
      id = any!.id;
      await database.rows(sql`DELETE FROM household_incomes WHERE household_id = ${id}`);
    }
    const g = await guaranteesOf(id);
    expect(g.foodAndClothing).toEqual({
      status: "UNKNOWN",
      basis: "no income recorded",
      suppliedBy: "RURAL_REVITALIZATION",
      year: null,
    });
  });

  it("a dropped-out member of compulsory-school age makes compulsory education UNMET", async () => {
    const day = today();
    const [m] = await database.rows<{ id: number; household_id: number }>(
      sql`SELECT id, household_id FROM members
          WHERE date_part('year', age(${day}::date, birth_date)) BETWEEN 7 AND 14
          ORDER BY id LIMIT 1`,
    );
    expect(m).toBeDefined();
    await database.rows(sql`UPDATE members SET schooling_status = 'IN_SCHOOL' WHERE household_id = ${m!.household_id}`);
    const inSchool = await guaranteesOf(m!.household_id);
    expect(inSchool.compulsoryEducation).toMatchObject({ status: "MET", suppliedBy: "EDUCATION" });

    await database.rows(sql`UPDATE members SET schooling_status = 'DROPPED_OUT' WHERE id = ${m!.id}`);
    const out = await guaranteesOf(m!.household_id);
    expect(out.compulsoryEducation.status).toBe("UNMET");
    expect(out.compulsoryEducation.basis).toMatch(/^1 of \d+ members? aged 6–15 dropped out$/);
    expect(out.anyUnmet).toBe(true);
    expectNoPersonalData(out, await personalStrings(m!.household_id));
  });

  it("a household with no member of school age meets compulsory education", async () => {
    const day = today();
    const [h] = await database.rows<{ id: number }>(
      sql`SELECT h.id FROM households h WHERE EXISTS (SELECT 1 FROM members m WHERE m.household_id = h.id)
          AND NOT EXISTS (SELECT 1 FROM members m WHERE m.household_id = h.id
            AND date_part('year', age(${day}::date, m.birth_date)) BETWEEN 6 AND 15)
          ORDER BY h.id LIMIT 1`,
    );
    const g = await guaranteesOf(h!.id);
    expect(g.compulsoryEducation).toMatchObject({ status: "MET", basis: "no member of compulsory-school age" });
  });

  it("an uninsured member makes basic medical care UNMET, with the count", async () => {
    const [m] = await database.rows<{ id: number; household_id: number }>(
      sql`SELECT id, household_id FROM members WHERE relation = 'HEAD' ORDER BY id LIMIT 1 OFFSET 3`,
    );
    const hid = m!.household_id;
    await database.rows(sql`UPDATE members SET has_basic_medical_insurance = true WHERE household_id = ${hid}`);
    expect((await guaranteesOf(hid)).basicMedicalCare).toMatchObject({ status: "MET", suppliedBy: "HEALTH" });

    await database.rows(sql`UPDATE members SET has_basic_medical_insurance = false WHERE id = ${m!.id}`);
    const [{ n } = { n: 0 }] = await database.rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM members WHERE household_id = ${hid}`,
    );
    const g = await guaranteesOf(hid);
    expect(g.basicMedicalCare.status).toBe("UNMET");
    expect(g.basicMedicalCare.basis).toBe(
      `1 of ${n} ${n === 1 ? "member" : "members"} without basic medical insurance`,
    );
  });

  it("grade D not renovated is UNMET; renovated is MET; no grade is UNKNOWN", async () => {
    const [h] = await database.rows<{ id: number }>(sql`SELECT id FROM households ORDER BY id LIMIT 1 OFFSET 7`);
    const id = h!.id;
    await database.rows(
      sql`UPDATE households SET housing_grade = 'D', housing_renovated = false, housing_renovation_year = NULL,
          housing_assessed_on = '2022-05-01' WHERE id = ${id}`,
    );
    expect((await guaranteesOf(id)).housingSafety).toEqual({
      status: "UNMET",
      basis: "grade D, not renovated",
      suppliedBy: "HOUSING",
      year: 2022,
    });
    await database.rows(
      sql`UPDATE households SET housing_renovated = true, housing_renovation_year = 2023 WHERE id = ${id}`,
    );
    expect((await guaranteesOf(id)).housingSafety).toEqual({
      status: "MET",
      basis: "grade D, renovated in 2023",
      suppliedBy: "HOUSING",
      year: 2023,
    });
    await database.rows(
      sql`UPDATE households SET housing_grade = NULL, housing_renovated = false, housing_renovation_year = NULL,
          housing_assessed_on = NULL WHERE id = ${id}`,
    );
    expect((await guaranteesOf(id)).housingSafety.status).toBe("UNKNOWN");
  });

  it("safe drinking water follows the household's assessment", async () => {
    const [h] = await database.rows<{ id: number }>(sql`SELECT id FROM households ORDER BY id LIMIT 1 OFFSET 9`);
    const id = h!.id;
    for (const [value, status] of [
      [true, "MET"],
      [false, "UNMET"],
      [null, "UNKNOWN"],
    ] as const) {
      await database.rows(sql`UPDATE households SET drinking_water_safe = ${value} WHERE id = ${id}`);
      expect((await guaranteesOf(id)).safeDrinkingWater).toMatchObject({ status, suppliedBy: "RURAL_REVITALIZATION" });
    }
  });

  it("costs the same number of statements for 200 households as for 20", async () => {
    const Q = `query($n: Int) { households(first: $n) { nodes { guarantees { anyUnmet foodAndClothing { status } } } } }`;
    const small = await ok(Q, { n: 20 });
    const large = await ok(Q, { n: 200 });
    expect(large.data!.households.nodes).toHaveLength(200);
    expect(large.statements).toBe(small.statements);
    // the page + household facts + members + latest incomes
    expect(large.statements).toBeLessThanOrEqual(4);
  });
});

describe("households with unmet guarantees", () => {
  const LIST = /* GraphQL */ `
    query ($region: String, $item: GuaranteeItemKind, $after: String) {
      householdsWithUnmetGuarantees(regionCode: $region, item: $item, first: 200, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
          villageCode
          guarantees {
            anyUnmet
            housingSafety {
              status
            }
          }
        }
      }
    }
  `;

  async function all(variables: Record<string, unknown>): Promise<Json[]> {
    const seen: Json[] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const { data } = await ok(LIST, { ...variables, after });
      seen.push(...data!.householdsWithUnmetGuarantees.nodes);
      if (!data!.householdsWithUnmetGuarantees.pageInfo.hasNextPage) break;
      after = data!.householdsWithUnmetGuarantees.pageInfo.endCursor;
    }
    return seen;
  }

  const housingUnsafe = () =>
    database.rows<{ id: number }>(
      sql`SELECT id FROM households WHERE housing_grade IN ('C', 'D') AND NOT housing_renovated ORDER BY id`,
    );

  it("for HOUSING_SAFETY is exactly the SQL set (service, system principal)", async () => {
    const expected = await housingUnsafe();
    expect(expected.length).toBeGreaterThan(0);
    const ctx = createContext(testConfig, database, fullAccess());
    const ids: number[] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const c = await listHouseholdsWithUnmetGuarantees(ctx, null, "HOUSING_SAFETY", { first: 150, after });
      ids.push(...c.nodes.map((h) => h.rowId));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(ids).toEqual(expected.map((r) => r.id));
  });

  it("for HOUSING_SAFETY returns exactly the households graded C/D and not renovated, page by page", async () => {
    const expected = await housingUnsafe();
    expect(expected.length).toBeGreaterThan(0);
    const seen = await all({ item: "HOUSING_SAFETY" });
    expect(seen.map((h) => h.id)).toEqual(expected.map((r) => toGlobalId("Household", r.id)));
    for (const h of seen) {
      expect(h.guarantees.housingSafety.status).toBe("UNMET");
      expect(h.guarantees.anyUnmet).toBe(true);
    }
  });

  it("for any item agrees with each household's own guarantees, within a region", async () => {
    const seen = await all({ region: "431221" });
    expect(seen.length).toBeGreaterThan(0);
    for (const h of seen) {
      expect(h.villageCode.startsWith("431221")).toBe(true);
      expect(h.guarantees.anyUnmet).toBe(true);
    }
    // and none of the households left out has an unmet item
    const { data } = await ok(
      `{ households(filter: { regionCode: "431221" }, first: 1000) { nodes { id guarantees { anyUnmet } } } }`,
    );
    const listed = new Set(seen.map((h) => h.id));
    for (const h of data!.households.nodes) expect(listed.has(h.id)).toBe(h.guarantees.anyUnmet);
  });

  it("rejects a malformed region code", async () => {
    const { errors } = await query(`{ householdsWithUnmetGuarantees(regionCode: "43x") { nodes { id } } }`);
    expect(errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("other departments", () => {
  it("an education officer sees the status but not the income figure behind it", async () => {
    const [row] = await database.rows<{ household_id: number; v: number }>(
      sql`SELECT DISTINCT ON (household_id) household_id, per_capita_net_income::float AS v FROM household_incomes
          WHERE year >= 2019 ORDER BY household_id DESC, year DESC LIMIT 1`,
    );
    const id = row!.household_id;
    const registry = await guaranteesOf(id);
    expect(registry.foodAndClothing.basis).toContain(" yuan ");
    const education = await guaranteesOf(id, await authHeaders("EDUCATION"));
    expect(education.foodAndClothing.status).toBe(registry.foodAndClothing.status);
    expect(education.foodAndClothing.basis).not.toContain("yuan");
  });

  it("a county officer does not see another county's households in the list", async () => {
    const { data } = await ok(
      `{ householdsWithUnmetGuarantees(first: 500) { nodes { villageCode } } }`,
      {},
      await authHeaders("HOUSING", "431221"),
    );
    for (const h of data!.householdsWithUnmetGuarantees.nodes) expect(h.villageCode.startsWith("431221")).toBe(true);
  });
});
