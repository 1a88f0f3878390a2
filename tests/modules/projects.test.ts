/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL responses are untyped JSON, checked field by field. */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "../helpers/app.js";
import { fullAccess } from "../../src/access/access.js";
import type { App } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createContext } from "../../src/context.js";
import { toGlobalId } from "../../src/shared/global-id.js";
import { getProject, listProjects, villageProjects } from "../../src/modules/projects/project.service.js";
import { getAsset, listAssets } from "../../src/modules/projects/asset.service.js";
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

async function gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>) {
  const { body } = await app.graphql({ query, variables: variables ?? {} });
  return body as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
}

async function ok<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const body = await gql<T>(query, variables);
  expect(body.errors).toBeUndefined();
  return body.data!;
}

/** Statements one operation issues. */
async function statementsOf(query: string, variables?: Record<string, unknown>): Promise<number> {
  const before = database.statements.count;
  await ok(query, variables);
  return database.statements.count - before;
}

describe("the public reads a county's road projects of 2018 (公告公示)", () => {
  it("lists them with funds, their total and the lead agency", async () => {
    const [county] = await database.rows<{ code: string }>(sql`
      SELECT left(region_code, 6) AS code FROM projects WHERE category = 'ROAD' AND year = 2018
      GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`);
    const data = await ok(
      /* GraphQL */ `
        query ($county: String!) {
          projects(filter: { regionCode: $county, category: [ROAD], year: { from: 2018, to: 2018 } }, first: 50) {
            totalCount
            nodes {
              id
              code
              name
              category
              regionCode
              year
              status
              noticePublishedOn
              noticePlace
              funds {
                source
                amount
              }
              totalFunds
              leadAgency {
                id
                name
              }
              village {
                code
              }
            }
          }
        }
      `,
      { county: county!.code },
    );
    const expected = await database.rows<{ id: number; lead: string; total: string }>(sql`
      SELECT p.id, a.name AS lead, (SELECT sum(amount) FROM project_funds f WHERE f.project_id = p.id) AS total
      FROM projects p JOIN agencies a ON a.id = p.lead_agency_id
      WHERE left(p.region_code, 6) = ${county!.code} AND p.category = 'ROAD' AND p.year = 2018 ORDER BY p.id`);
    expect(expected.length).toBeGreaterThan(0);
    const { nodes, totalCount } = data.projects;
    expect(totalCount).toBe(expected.length);
    expect(nodes.map((n: any) => n.id)).toEqual(expected.map((e) => toGlobalId("Project", e.id)));
    for (const [i, node] of nodes.entries()) {
      expect(node.category).toBe("ROAD");
      expect(node.year).toBe(2018);
      expect(node.regionCode.startsWith(county!.code)).toBe(true);
      expect(node.leadAgency.name).toBe(expected[i]!.lead);
      expect(node.funds.length).toBeGreaterThan(0);
      expect(node.totalFunds).toBeCloseTo(Number(expected[i]!.total), 2);
      if (node.village) expect(node.village.code).toBe(node.regionCode);
    }
  });

  it("pages through all projects newest first without gaps or repeats", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let previousYear = Infinity;
    for (;;) {
      const data: any = await ok(
        `query($after: String) { projects(orderBy: YEAR_DESC, first: 40, after: $after) {
           pageInfo { hasNextPage endCursor } nodes { id year } } }`,
        { after },
      );
      for (const n of data.projects.nodes) {
        expect(n.year).toBeLessThanOrEqual(previousYear);
        previousYear = n.year;
        seen.push(n.id);
      }
      if (!data.projects.pageInfo.hasNextPage) break;
      after = data.projects.pageInfo.endCursor;
    }
    const [{ n }] = (await database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM projects`)) as [
      { n: number },
    ];
    expect(seen.length).toBe(n);
    expect(new Set(seen).size).toBe(n);
  });

  it("rejects a malformed region code, agency id or year range", async () => {
    for (const filter of [
      '{ regionCode: "4312x" }',
      '{ leadAgencyId: "nope" }',
      "{ year: { from: 2020, to: 2018 } }",
    ]) {
      const body = await gql(`{ projects(filter: ${filter}) { nodes { id } } }`);
      expect(body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
  });

  it("filters by lead agency", async () => {
    const [row] = await database.rows<{ id: number; n: number }>(
      sql`SELECT lead_agency_id AS id, count(*)::int AS n FROM projects GROUP BY 1 ORDER BY 2 DESC LIMIT 1`,
    );
    const agencyId = toGlobalId("Agency", row!.id);
    const data = await ok(
      `query($a: ID!) { projects(filter: { leadAgencyId: $a }, first: 500) { totalCount nodes { leadAgency { id } } }
                        node(id: $a) { ... on Agency { projectsLed { id } } } }`,
      { a: agencyId },
    );
    expect(data.projects.totalCount).toBe(row!.n);
    expect(data.projects.nodes.every((p: any) => p.leadAgency.id === agencyId)).toBe(true);
    expect(data.node.projectsLed).toHaveLength(row!.n);
  });
});

describe("a township officer looks at one village's projects and its three asset ledgers (三类资产台账)", () => {
  it("shows projects newest first and public-welfare, operating and household-owned assets", async () => {
    const [picked] = await database.rows<{ code: string }>(sql`
      SELECT village_code AS code FROM assets GROUP BY 1 ORDER BY count(DISTINCT kind) DESC, count(*) DESC, 1 LIMIT 1`);
    const village = picked!.code;
    const data = await ok(
      `query($code: String!) {
        villages(filter: { regionCode: $code }, first: 1) { nodes {
          code
          projects { id year village { code } }
          all: assets { id kind }
          publicWelfare: assets(kind: [PUBLIC_WELFARE]) { kind custodian { kind agency { name } village { code } } }
          operating: assets(kind: [OPERATING]) { kind ownership incomes { year } }
          householdOwned: assets(kind: [HOUSEHOLD_OWNED]) {
            kind ownership custodian { kind household { id householdNumber villageCode assets { id } projects { id } } }
          }
        } }
      }`,
      { code: village },
    );
    const v = data.villages.nodes[0];
    const projectCount = await database.rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM projects p JOIN villages v ON v.id = p.village_id WHERE v.code = ${village}`,
    );
    expect(v.projects).toHaveLength(projectCount[0]!.n);
    const years = v.projects.map((p: any) => p.year);
    expect(years).toEqual([...years].sort((a: number, b: number) => b - a));
    expect(v.projects.every((p: any) => p.village.code === village)).toBe(true);

    const byKind = await database.rows<{ kind: string; n: number }>(
      sql`SELECT kind, count(*)::int AS n FROM assets WHERE village_code = ${village} GROUP BY kind`,
    );
    const count = (k: string) => byKind.find((r) => r.kind === k)?.n ?? 0;
    expect(v.all).toHaveLength(count("PUBLIC_WELFARE") + count("OPERATING") + count("HOUSEHOLD_OWNED"));
    expect(v.publicWelfare).toHaveLength(count("PUBLIC_WELFARE"));
    expect(v.operating).toHaveLength(count("OPERATING"));
    expect(v.householdOwned).toHaveLength(count("HOUSEHOLD_OWNED"));
    expect(count("PUBLIC_WELFARE") + count("OPERATING") + count("HOUSEHOLD_OWNED")).toBeGreaterThan(0);
    for (const a of v.publicWelfare) {
      expect(a.kind).toBe("PUBLIC_WELFARE");
      if (a.custodian.kind === "AGENCY") expect(a.custodian.agency.name).toBeTruthy();
      else expect(a.custodian.village.code).toBe(village);
    }
    for (const a of v.householdOwned) {
      const h = a.custodian.household;
      expect(a.custodian.kind).toBe("HOUSEHOLD");
      expect(h.villageCode).toBe(village);
      expect(h.assets.length).toBeGreaterThan(0);
    }
  });
});

describe("an auditor checks an asset's custodian and income distribution (收益分配)", () => {
  it("shows an operating asset's collective custodian and its incomes newest first", async () => {
    const [row] = await database.rows<{ id: number; village_code: string; n: number }>(sql`
      SELECT a.id, a.village_code, count(*)::int AS n FROM assets a JOIN asset_incomes i ON i.asset_id = a.id
      WHERE a.kind = 'OPERATING' GROUP BY a.id ORDER BY n DESC, a.id LIMIT 1`);
    const data = await ok(
      `query($id: ID!) { asset(id: $id) {
        id code kind ownership value villageCode custodianKind status formedOn version
        project { id code assets { id } }
        village { code }
        custodian { kind agency { id } household { id } village { code } }
        incomes { year income toHouseholds toCollective distribution }
      } }`,
      { id: toGlobalId("Asset", row!.id) },
    );
    const a = data.asset;
    expect(a.custodian).toEqual({
      kind: "VILLAGE_COLLECTIVE",
      agency: null,
      household: null,
      village: { code: row!.village_code },
    });
    expect(a.village.code).toBe(row!.village_code);
    expect(a.project.assets.map((x: any) => x.id)).toContain(a.id);
    expect(a.incomes).toHaveLength(row!.n);
    const years = a.incomes.map((i: any) => i.year);
    expect(years).toEqual([...years].sort((x: number, y: number) => y - x));
    for (const i of a.incomes) expect(i.toHouseholds + i.toCollective).toBeLessThanOrEqual(i.income + 0.001);
    expect(a.formedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("lists assets by value, most valuable first, filtered by ledger", async () => {
    const data =
      await ok(`{ assets(filter: { kind: [PUBLIC_WELFARE, OPERATING], regionCode: "4312" }, orderBy: VALUE_DESC, first: 10) {
      totalCount nodes { kind value custodian { kind agency { name } } } } }`);
    const values = data.assets.nodes.map((n: any) => n.value);
    expect(values).toEqual([...values].sort((x: number, y: number) => y - x));
    expect(data.assets.nodes.every((n: any) => n.kind !== "HOUSEHOLD_OWNED")).toBe(true);
    for (const n of data.assets.nodes) if (n.custodian.kind === "AGENCY") expect(n.custodian.agency.name).toBeTruthy();
  });
});

describe("a frontend refetches by global id (node)", () => {
  it("resolves Project and Asset, null for unknown, BAD_USER_INPUT for malformed", async () => {
    const [p] = await database.rows<{ id: number; code: string }>(
      sql`SELECT id, code FROM projects ORDER BY id LIMIT 1`,
    );
    const [a] = await database.rows<{ id: number; code: string }>(sql`SELECT id, code FROM assets ORDER BY id LIMIT 1`);
    const data = await ok(
      `query($p: ID!, $a: ID!, $missing: ID!) {
        p: node(id: $p) { __typename id ... on Project { code } }
        a: node(id: $a) { __typename id ... on Asset { code } }
        missing: node(id: $missing) { id }
        project(id: $missing) { id }
      }`,
      { p: toGlobalId("Project", p!.id), a: toGlobalId("Asset", a!.id), missing: toGlobalId("Project", 999999) },
    );
    expect(data.p).toEqual({ __typename: "Project", id: toGlobalId("Project", p!.id), code: p!.code });
    expect(data.a).toEqual({ __typename: "Asset", id: toGlobalId("Asset", a!.id), code: a!.code });
    expect(data.missing).toBeNull();
    expect(data.project).toBeNull();
    const bad = await gql(`{ asset(id: "${toGlobalId("Project", p!.id)}") { id } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("a rural revitalization officer sees who benefited (受益户)", () => {
  it("lists beneficiaries bounded by `first`, counts them, and links households back to projects", async () => {
    const [row] = await database.rows<{ id: number; n: number }>(sql`
      SELECT project_id AS id, count(*)::int AS n FROM project_beneficiaries GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`);
    const id = toGlobalId("Project", row!.id);
    const data = await ok(
      `query($id: ID!) { project(id: $id) { beneficiaryCount
         two: beneficiaries(first: 2) { id }
         all: beneficiaries(first: 500) { id projects { id } } } }`,
      { id },
    );
    expect(data.project.beneficiaryCount).toBe(row!.n);
    expect(data.project.all).toHaveLength(row!.n);
    expect(data.project.two).toEqual(data.project.all.slice(0, 2).map((h: any) => ({ id: h.id })));
    for (const h of data.project.all) expect(h.projects.map((p: any) => p.id)).toContain(id);
    const tooMany = await gql(`query($id: ID!) { project(id: $id) { beneficiaries(first: 501) { id } } }`, { id });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("relations cost one statement per level, whatever the page size (no N+1)", () => {
  const query = (first: number) => `{ projects(first: ${first}) { nodes {
    funds { amount } totalFunds leadAgency { name } coAgencies { name } assets { name custodian { kind village { code } } }
    village { code projects { id } } beneficiaryCount
  } } }`;

  it("issues as many statements for 100 projects as for 10", async () => {
    const ten = await statementsOf(query(10));
    const hundred = await statementsOf(query(100));
    expect(hundred).toBe(ten);
    expect(ten).toBeLessThanOrEqual(10);
  });

  it("issues as many statements for the brief's relation query at 100 as at 10", async () => {
    const q = (first: number) =>
      `{ projects(first: ${first}) { nodes { funds { amount } leadAgency { name } coAgencies { name } assets { name } } } }`;
    const ten = await statementsOf(q(10));
    const hundred = await statementsOf(q(100));
    expect(hundred).toBe(ten);
    // page, funds, lead agencies, co-agencies, assets
    expect(ten).toBe(5);
  });
});

describe("a county's principal sees only its own projects and assets (region scope)", () => {
  it("scopes root lists, lookups and relation loaders", async () => {
    const ctx = createContext(loadConfig({}), database, fullAccess("431221"));
    const page = await listProjects(ctx, {}, "ID", { first: 1000 });
    expect(page.nodes.length).toBeGreaterThan(0);
    expect(page.nodes.every((p) => p.regionCode.startsWith("431221"))).toBe(true);
    const assets = await listAssets(ctx, {}, "ID", { first: 1000 });
    expect(assets.nodes.every((a) => a.villageCode.startsWith("431221"))).toBe(true);

    const [outside] = await database.rows<{ id: number; village_id: number; a: number }>(sql`
      SELECT p.id, p.village_id, (SELECT min(id) FROM assets WHERE project_id = p.id) AS a
      FROM projects p WHERE p.region_code LIKE '431202%' AND p.village_id IS NOT NULL
        AND EXISTS (SELECT 1 FROM assets WHERE project_id = p.id) LIMIT 1`);
    expect(await getProject(ctx, toGlobalId("Project", outside!.id))).toBeNull();
    expect(await getAsset(ctx, toGlobalId("Asset", outside!.a))).toBeNull();
    const village = { id: toGlobalId("Village", outside!.village_id), rowId: outside!.village_id } as never;
    expect(await villageProjects(ctx, village)).toEqual([]);
  });
});
