import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "../helpers/app.js";
import type { App } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { fullAccess } from "../../src/access/access.js";
import { createContext } from "../../src/context.js";
import { toGlobalId } from "../../src/shared/global-id.js";
import { getHousehold, listHouseholds, villageHouseholdCount } from "../../src/modules/households/household.service.js";
import { getMember, listMembers } from "../../src/modules/households/member.service.js";
import type { VillageRow } from "../../src/modules/villages/village.type.js";
import { birthDatesForAges } from "../../src/modules/households/member.service.js";
import { ageOn } from "../../src/shared/dates.js";
import { today } from "../../src/shared/dates.js";
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

async function gql<T = Json>(query: string, variables?: Record<string, unknown>) {
  const { body } = await app.graphql({ query, variables: variables ?? {} });
  return body as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
}

async function ok<T = Json>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const body = await gql<T>(query, variables);
  expect(body.errors).toBeUndefined();
  return body.data!;
}

async function scalar(query: ReturnType<typeof sql>): Promise<number> {
  const [row] = await database.rows<{ n: number | string }>(query);
  return Number(row?.n ?? 0);
}

describe("age ranges become birth-date ranges", () => {
  it("keeps exactly the members whose age is in range", () => {
    const day = "2024-02-29";
    const { bornOnOrAfter, bornOnOrBefore } = birthDatesForAges(6, 15, day);
    expect(ageOn(bornOnOrBefore!, day)).toBe(6);
    expect(ageOn(bornOnOrAfter!, day)).toBe(15);
    const dayBefore = new Date(Date.parse(`${bornOnOrAfter}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect(ageOn(dayBefore, day)).toBe(16);
  });
});

describe("an education officer checks compulsory schooling (控辍保学) in a township", () => {
  it("lists school-age members (6–15) of a township of county 431221, page by page", async () => {
    const [township] = await database.rows<{ code: string }>(
      sql`SELECT code FROM regions WHERE level = 'TOWNSHIP' AND parent_code = '431221000000' ORDER BY code LIMIT 1`,
    );
    const prefix = township!.code.slice(0, 9);
    const query = /* GraphQL */ `
      query SchoolAge($region: String!, $after: String) {
        members(
          filter: { regionCode: $region, ageRange: { from: 6, to: 15 } }
          orderBy: BIRTH_DATE
          first: 7
          after: $after
        ) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            id
            name
            age
            birthDate
            schoolingStatus
            school
            villageCode
          }
        }
      }
    `;
    const seen: { id: string; age: number; birthDate: string; villageCode: string; schoolingStatus: string }[] = [];
    let after: string | null = null;
    let total = 0;
    for (let page = 0; page < 200; page++) {
      const data: Json = await ok(query, { region: prefix, after });
      total = data.members.totalCount;
      seen.push(...data.members.nodes);
      if (!data.members.pageInfo.hasNextPage) break;
      after = data.members.pageInfo.endCursor;
    }
    const expected = await scalar(
      sql`SELECT count(*) AS n FROM members
          WHERE village_code LIKE ${`${prefix}%`}
            AND date_part('year', age(${today()}::date, birth_date)) BETWEEN 6 AND 15`,
    );
    expect(expected).toBeGreaterThan(7);
    expect(total).toBe(expected);
    expect(seen).toHaveLength(expected);
    expect(new Set(seen.map((m) => m.id)).size).toBe(expected);
    for (const m of seen) {
      expect(m.villageCode.startsWith(prefix)).toBe(true);
      expect(m.age).toBeGreaterThanOrEqual(6);
      expect(m.age).toBeLessThanOrEqual(15);
      expect(["IN_SCHOOL", "DROPPED_OUT", "NOT_OF_SCHOOL_AGE", "GRADUATED"]).toContain(m.schoolingStatus);
    }
    const dates = seen.map((m) => m.birthDate);
    expect([...dates].sort()).toEqual(dates);
  });

  it("narrows to those who dropped out", async () => {
    const data =
      await ok(`{ members(filter: { regionCode: "431221", ageRange: { from: 6, to: 15 }, schoolingStatus: [DROPPED_OUT] }, first: 100) {
      totalCount nodes { age schoolingStatus household { householdNumber } } } }`);
    for (const m of data.members.nodes) {
      expect(m.schoolingStatus).toBe("DROPPED_OUT");
      expect(m.household.householdNumber).toMatch(/^431221/);
    }
  });
});

describe("a rural revitalization officer filters households", () => {
  it("by status and by any cause (primary or other)", async () => {
    const data = await ok(`{ households(filter: { status: [POOR, NOT_POOR], anyCause: [ILLNESS] }, first: 500) {
      totalCount nodes { status primaryCause otherCauses } } }`);
    const expected = await scalar(
      sql`SELECT count(*) AS n FROM households WHERE status IN ('POOR', 'NOT_POOR')
          AND (primary_cause = 'ILLNESS' OR other_causes && ARRAY['ILLNESS']::poverty_cause[])`,
    );
    expect(expected).toBeGreaterThan(0);
    expect(data.households.totalCount).toBe(expected);
    for (const h of data.households.nodes) {
      expect(["POOR", "NOT_POOR"]).toContain(h.status);
      expect(h.primaryCause === "ILLNESS" || h.otherCauses.includes("ILLNESS")).toBe(true);
    }
  });

  it("by monitoring status, apart from poverty status: monitored households are exited or never poor", async () => {
    type Monitored = { status: string; monitoringStatus: string; monitoringType: string | null };
    const data = await ok<{ households: { totalCount: number; nodes: Monitored[] } }>(`{
      households(filter: { monitoringStatus: [MONITORED, RISK_ELIMINATED] }, first: 500) {
      totalCount nodes { status monitoringStatus monitoringType } } }`);
    const expected = await scalar(sql`SELECT count(*) AS n FROM households WHERE monitoring_status <> 'NOT_MONITORED'`);
    expect(expected).toBeGreaterThan(0);
    expect(data.households.totalCount).toBe(expected);
    for (const h of data.households.nodes) {
      expect(["EXITED", "NOT_POOR"]).toContain(h.status);
      expect(h.monitoringType).not.toBeNull();
    }
    expect(new Set(data.households.nodes.map((h) => h.monitoringStatus))).toEqual(
      new Set(["MONITORED", "RISK_ELIMINATED"]),
    );
  });

  it("by primary cause, identification years and region, ordered by household number", async () => {
    const data =
      await ok(`{ households(filter: { regionCode: "431221", primaryCause: [DISABILITY], identifiedYear: { from: 2014, to: 2016 } },
      orderBy: HOUSEHOLD_NUMBER, first: 50) { nodes { householdNumber villageCode primaryCause identifiedYear } } }`);
    const numbers = data.households.nodes.map((h: { householdNumber: string }) => h.householdNumber);
    expect([...numbers].sort()).toEqual(numbers);
    for (const h of data.households.nodes) {
      expect(h.villageCode.startsWith("431221")).toBe(true);
      expect(h.primaryCause).toBe("DISABILITY");
      expect(h.identifiedYear).toBeGreaterThanOrEqual(2014);
      expect(h.identifiedYear).toBeLessThanOrEqual(2016);
    }
  });
});

describe("a helper opens one household", () => {
  it("shows its members (head first), head, village, incomes and history", async () => {
    const [row] = await database.rows<{ id: number }>(
      sql`SELECT household_id AS id FROM household_events GROUP BY household_id HAVING count(*) > 1 ORDER BY household_id LIMIT 1`,
    );
    const id = toGlobalId("Household", row!.id);
    const data = await ok(
      `query($id: ID!) { household(id: $id) {
        id householdNumber villageCode status createdAt
        members { name relation birthDate age }
        head { name relation household { id } }
        village { code name township { name } householdCount }
        incomes { year perCapitaNetIncome }
        history { kind occurredOn fromStatus toStatus reason recordedBy department recordedAt oldValue newValue }
      } }`,
      { id },
    );
    const h = data.household;
    expect(h.id).toBe(id);
    expect(h.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(h.members.length).toBeGreaterThan(0);
    expect(h.members[0].relation).toBe("HEAD");
    const others = h.members.slice(1).map((m: { birthDate: string }) => m.birthDate);
    expect([...others].sort()).toEqual(others);
    expect(h.head).toMatchObject({ name: h.members[0].name, relation: "HEAD", household: { id } });
    expect(h.village.code).toBe(h.villageCode);
    expect(h.village.township.name).toBeTruthy();
    expect(h.village.householdCount).toBeGreaterThan(0);
    const years = h.incomes.map((i: { year: number }) => i.year);
    expect([...years].sort((a, b) => b - a)).toEqual(years);
    expect(h.history.length).toBeGreaterThan(1);
    const days = h.history.map((e: { occurredOn: string }) => e.occurredOn);
    expect([...days].sort()).toEqual(days);
    expect(h.history[0].recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it("filters incomes by year", async () => {
    const [row] = await database.rows<{ id: number; year: number }>(
      sql`SELECT household_id AS id, max(year) AS year FROM household_incomes GROUP BY household_id ORDER BY household_id LIMIT 1`,
    );
    const data = await ok(`query($id: ID!, $year: Int) { household(id: $id) { incomes(year: $year) { year } } }`, {
      id: toGlobalId("Household", row!.id),
      year: Number(row!.year),
    });
    expect(data.household.incomes).toEqual([{ year: Number(row!.year) }]);
  });
});

describe("villages carry their households", () => {
  it("as a counted connection per village", async () => {
    const data = await ok(`{ villages(filter: { regionCode: "431221" }, first: 3) { nodes { code householdCount
      households(first: 2, filter: { status: [EXITED, POOR, NOT_POOR, RETURNED, NEWLY_POOR] }) { totalCount nodes { villageCode } pageInfo { hasNextPage } } } } }`);
    for (const v of data.villages.nodes) {
      expect(v.households.totalCount).toBe(v.householdCount);
      for (const h of v.households.nodes) expect(h.villageCode).toBe(v.code);
    }
  });
});

describe("global ids", () => {
  it("node(id) resolves households and members", async () => {
    const [m] = await database.rows<{ id: number; household_id: number; name: string }>(
      sql`SELECT id, household_id, name FROM members ORDER BY id LIMIT 1`,
    );
    const data = await ok(
      `query($h: ID!, $m: ID!) {
        h: node(id: $h) { __typename id ... on Household { householdNumber } }
        m: node(id: $m) { __typename id ... on Member { name age household { id } } }
      }`,
      { h: toGlobalId("Household", m!.household_id), m: toGlobalId("Member", m!.id) },
    );
    expect(data.h).toMatchObject({ __typename: "Household", id: toGlobalId("Household", m!.household_id) });
    expect(data.m).toMatchObject({
      __typename: "Member",
      name: m!.name,
      household: { id: toGlobalId("Household", m!.household_id) },
    });
  });

  it("unknown ids are null; malformed ids and bad region codes are BAD_USER_INPUT", async () => {
    const missing = await ok(
      `query($id: ID!) { household(id: $id) { id } member(id: $id) { id } }`.replace(
        "member(id: $id)",
        `member(id: "${toGlobalId("Member", 99_999_999)}")`,
      ),
      { id: toGlobalId("Household", 99_999_999) },
    );
    expect(missing).toEqual({ household: null, member: null });
    for (const [query, variables] of [
      [`query($id: ID!) { household(id: $id) { id } }`, { id: "not-an-id!" }],
      [`query($id: ID!) { household(id: $id) { id } }`, { id: toGlobalId("Member", 1) }],
      [`query($id: ID!) { member(id: $id) { id } }`, { id: toGlobalId("Household", 1) }],
      [`{ households(filter: { regionCode: "43122" }) { nodes { id } } }`, {}],
      [`{ members(filter: { regionCode: "4312x1" }) { nodes { id } } }`, {}],
      [`{ members(filter: { ageRange: { from: 15, to: 6 } }) { nodes { id } } }`, {}],
    ] as const) {
      const body = await gql(query, variables);
      expect(body.errors?.[0]?.extensions?.code, query).toBe("BAD_USER_INPUT");
    }
  });
});

describe("statements per request do not grow with the page", () => {
  it("households with members, village and township: the same count for 200 as for 20", async () => {
    const query = `query($n: Int) { households(first: $n) { nodes { members { name } village { name township { name } } } } }`;
    const count = async (n: number) => {
      const before = database.statements.count;
      const data = await ok(query, { n });
      expect(data.households.nodes).toHaveLength(n);
      return database.statements.count - before;
    };
    const small = await count(20);
    const large = await count(200);
    expect(large).toBe(small);
    expect(small).toBeLessThanOrEqual(4);
  });
});

describe("a county bureau sees only its county", () => {
  it("lists, loads and counts households and members inside its region scope only", async () => {
    const ctx = createContext(loadConfig({}), database, fullAccess("431221"));
    const page = await listHouseholds(ctx, {}, "ID", { first: 1000 });
    expect(page.nodes.length).toBeGreaterThan(0);
    for (const h of page.nodes) expect(h.villageCode.startsWith("431221")).toBe(true);
    expect(await page.totalCount).toBe(
      await scalar(sql`SELECT count(*) AS n FROM households WHERE village_code LIKE '431221%'`),
    );
    const members = await listMembers(ctx, {}, "ID", { first: 1000 });
    for (const m of members.nodes) expect(m.villageCode.startsWith("431221")).toBe(true);

    const [outside] = await database.rows<{ id: number; member_id: number; village_code: string }>(
      sql`SELECT h.id, m.id AS member_id, h.village_code FROM households h JOIN members m ON m.household_id = h.id
          WHERE h.village_code NOT LIKE '431221%' ORDER BY h.id LIMIT 1`,
    );
    expect(await getHousehold(ctx, toGlobalId("Household", outside!.id))).toBeNull();
    expect(await getMember(ctx, toGlobalId("Member", outside!.member_id))).toBeNull();
    expect(await villageHouseholdCount(ctx, { code: outside!.village_code } as VillageRow)).toBe(0);
  });
});
