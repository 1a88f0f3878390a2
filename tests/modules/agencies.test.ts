import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, request } from "../helpers/app.js";
import { fullAccess } from "../../src/access/access.js";
import type { App } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createContext } from "../../src/context.js";
import { toGlobalId } from "../../src/shared/global-id.js";
import { cadreVillage, householdsHelped } from "../../src/modules/agencies/cadre.service.js";
import { currentVillagesByAgency } from "../../src/modules/agencies/assignment.loader.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";

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

type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function query(q: string, variables?: Record<string, unknown>): Promise<{ data: Data; statements: number }> {
  const before = database.statements.count;
  const { status, data, errors } = await request<Data>(app, { query: q, variables: variables ?? {} });
  expect(errors, JSON.stringify(errors)).toBeUndefined();
  expect(status).toBe(200);
  return { data: data!, statements: database.statements.count - before };
}

describe("a household's responsible helper (帮扶责任人)", () => {
  const HELPERS = `query($n: Int) { households(first: $n) { nodes { householdNumber helper { name phone agency { name } } } } }`;

  it("comes with the helper's agency, in a constant number of statements for 20 or 200 households", async () => {
    const small = await query(HELPERS, { n: 20 });
    const large = await query(HELPERS, { n: 200 });
    expect(large.data.households.nodes).toHaveLength(200);
    const helped = large.data.households.nodes.filter((h: Data) => h.helper);
    expect(helped.length).toBeGreaterThan(0);
    for (const h of helped) expect(h.helper.agency.name).toEqual(expect.any(String));
    // page + helpers joined to cadres + agencies
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBeLessThanOrEqual(3);
  });

  it("keeps the helper history with dates", async () => {
    const { data } = await query(
      `{ households(first: 50) { nodes { helper { id } helpers { startDate endDate current cadre { id } household { householdNumber } } } } }`,
    );
    const withHistory = data.households.nodes.filter((h: Data) => h.helpers.length > 0);
    expect(withHistory.length).toBeGreaterThan(0);
    for (const h of withHistory) {
      const current = h.helpers.filter((a: Data) => a.current);
      expect(current.length).toBeLessThanOrEqual(1);
      if (current[0]) expect(current[0].cadre.id).toBe(h.helper.id);
      for (const a of h.helpers) expect(a.startDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});

describe("a village's first secretary and work team (第一书记, 驻村工作队)", () => {
  const TEAMS = `query($n: Int) { villages(first: $n) { nodes { code firstSecretary { name agency { name } } workTeam { role startDate cadre { name } } agencies { name } } } }`;

  it("resolves with their agencies, one statement per relation level", async () => {
    const small = await query(TEAMS, { n: 3 });
    const large = await query(TEAMS, { n: 24 });
    expect(large.statements).toBe(small.statements);
    const withSecretary = large.data.villages.nodes.filter((v: Data) => v.firstSecretary);
    expect(withSecretary.length).toBeGreaterThan(0);
    for (const v of withSecretary) {
      expect(v.firstSecretary.agency.name).toEqual(expect.any(String));
      expect(v.workTeam.some((m: Data) => m.role === "FIRST_SECRETARY" && m.cadre.name === v.firstSecretary.name)).toBe(
        true,
      );
      expect(v.agencies.length).toBeGreaterThan(0);
    }
  });
});

describe("an agency's paired villages and cadres", () => {
  it("lists paired villages, the pairing history and the agency's cadres", async () => {
    const { data } = await query(`{ villages(first: 50) { nodes { firstSecretary { agency { id } } } } }`);
    // The first secretary's agency is the village's designated (定点) partner.
    const agencyId = data.villages.nodes.find((v: Data) => v.firstSecretary).firstSecretary.agency.id as string;
    const { data: a, statements } = await query(
      `query($id: ID!) { agency(id: $id) { name kind level region { name }
         villages { code } villageAssignments { kind startDate endDate current agency { id } village { code } }
         cadres(first: 500) { name agency { id } village { code } villageRole } } }`,
      { id: agencyId },
    );
    expect(a.agency.villages.length).toBeGreaterThan(0);
    const currentCodes = a.agency.villageAssignments.filter((x: Data) => x.current).map((x: Data) => x.village.code);
    expect(new Set(currentCodes)).toEqual(new Set(a.agency.villages.map((v: Data) => v.code)));
    expect(a.agency.cadres.length).toBeGreaterThan(0);
    for (const c of a.agency.cadres) expect(c.agency.id).toBe(agencyId);
    expect(a.agency.cadres.some((c: Data) => c.village && c.villageRole)).toBe(true);
    expect(statements).toBeLessThanOrEqual(10);
  });

  it("pages agencies by name with filters, and rejects bad input", async () => {
    const first = await query(
      `{ agencies(first: 5, filter: { level: [COUNTY] }) { totalCount nodes { name level } pageInfo { endCursor hasNextPage } } }`,
    );
    const page = first.data.agencies;
    expect(page.nodes).toHaveLength(5);
    for (const n of page.nodes) expect(n.level).toBe("COUNTY");
    const names = page.nodes.map((n: Data) => n.name);
    expect([...names].sort()).toEqual(names);
    const next = await query(
      `query($after: String) { agencies(first: 5, after: $after, filter: { level: [COUNTY] }) { nodes { name } } }`,
      {
        after: page.pageInfo.endCursor,
      },
    );
    expect(next.data.agencies.nodes[0].name > names[4]).toBe(true);

    const bad = await app.graphql({ query: `{ agencies(filter: { regionCode: "43x" }) { nodes { id } } }` });
    expect(bad.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const badCadres = await app.graphql({ query: `{ agencies(first: 1) { nodes { cadres(first: 501) { id } } } }` });
    expect(badCadres.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("a cadre's households", () => {
  it("lists the households a cadre helps, each naming that cadre as helper", async () => {
    const { data } = await query(`{ households(first: 100) { nodes { helper { id } } } }`);
    const cadreId = data.households.nodes.find((h: Data) => h.helper).helper.id as string;
    const { data: c } = await query(
      `query($id: ID!) { cadre(id: $id) { name gender phone agency { name } householdsHelped { householdNumber helper { id } } } }`,
      { id: cadreId },
    );
    expect(c.cadre.householdsHelped.length).toBeGreaterThan(0);
    for (const h of c.cadre.householdsHelped) expect(h.helper.id).toBe(cadreId);
  });

  it("filters cadres by agency, agency region and name", async () => {
    const { data } = await query(`{ cadres(first: 1) { nodes { name agency { id region { code } } } } }`);
    const one = data.cadres.nodes[0];
    const byAgency = await query(
      `query($a: ID) { cadres(first: 1000, filter: { agencyId: $a }) { nodes { agency { id } } } }`,
      { a: one.agency.id },
    );
    for (const n of byAgency.data.cadres.nodes) expect(n.agency.id).toBe(one.agency.id);
    const byName = await query(`query($n: String) { cadres(first: 10, filter: { name: $n }) { nodes { name } } }`, {
      n: one.name.slice(1),
    });
    for (const n of byName.data.cadres.nodes) expect(n.name).toContain(one.name.slice(1));
    const county = (one.agency.region?.code as string | undefined)?.slice(0, 6) ?? "4312";
    const byRegion = await query(
      `query($r: String) { cadres(first: 50, filter: { regionCode: $r }) { nodes { agency { region { code } } } } }`,
      { r: county },
    );
    for (const n of byRegion.data.cadres.nodes) expect(n.agency.region.code.startsWith(county)).toBe(true);
  });
});

describe("node(id) for agencies and cadres", () => {
  it("fetches both, null for unknown ids, BAD_USER_INPUT for malformed ones", async () => {
    const { data } = await query(`{ cadres(first: 1) { nodes { id agency { id name } } } }`);
    const cadre = data.cadres.nodes[0];
    const { data: n } = await query(
      `query($a: ID!, $c: ID!, $missing: ID!) {
         a: node(id: $a) { __typename id ... on Agency { name } }
         c: node(id: $c) { __typename id ... on Cadre { name } }
         m: node(id: $missing) { id } }`,
      { a: cadre.agency.id, c: cadre.id, missing: toGlobalId("Cadre", 99999999) },
    );
    expect(n.a).toMatchObject({ __typename: "Agency", id: cadre.agency.id, name: cadre.agency.name });
    expect(n.c).toMatchObject({ __typename: "Cadre", id: cadre.id });
    expect(n.m).toBeNull();
    const bad = await app.graphql({ query: `{ agency(id: "${toGlobalId("Cadre", 1)}") { id } }` });
    expect(bad.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("region scope on relations", () => {
  it("keeps an agency's villages and a cadre's households and village inside the caller's scope", async () => {
    const { data } = await query(`{ agencies(first: 1000) { nodes { id villages { code } } } }`);
    const counties = (a: Data) => new Set(a.villages.map((v: Data) => v.code.slice(0, 6)));
    const spanning =
      data.agencies.nodes.find((a: Data) => counties(a).size > 1) ??
      data.agencies.nodes.find((a: Data) => a.villages.length);
    const county = spanning.villages[0].code.slice(0, 6) as string;
    const ctx = createContext(loadConfig({}), database, fullAccess(county));
    const rowId = Number(Buffer.from(spanning.id, "base64url").toString().split(":")[1]);
    const scoped = await currentVillagesByAgency(ctx).load(rowId);
    expect(scoped.length).toBe(spanning.villages.filter((v: Data) => v.code.startsWith(county)).length);

    const other = await query(
      `{ households(first: 1, filter: { regionCode: "${county}" }) { nodes { helper { id } } } }`,
    );
    const helperId = other.data.households.nodes[0]?.helper?.id as string | undefined;
    if (helperId) {
      const cadreRowId = Number(Buffer.from(helperId, "base64url").toString().split(":")[1]);
      const elsewhere = createContext(loadConfig({}), database, fullAccess("999999"));
      expect(await householdsHelped(elsewhere, { id: helperId, rowId: cadreRowId, name: "", agencyId: 0 })).toEqual([]);
      expect(await cadreVillage(elsewhere, { id: helperId, rowId: cadreRowId, name: "", agencyId: 0 })).toBeNull();
    }
  });
});
