import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App, GraphQLResponseBody } from "../../src/app.js";
import { toGlobalId } from "../../src/shared/global-id.js";
import { authHeaders, createTestApp, request } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";

/**
 * Region scope, told as stories: the registry owner (city-wide) knows rows of county 431221; a
 * department principal scoped to the other county, 431202, must not be able to learn that those
 * rows exist — through single lookups, node/_entities, lists and their counts, relations,
 * cursors, error messages and orderings. Then the two principals whose slice is narrower by
 * policy: TRANSPORT reaches no member by any path, PUBLIC gets rounded counts and no
 * household-owned asset, and a bad token is refused rather than served as PUBLIC.
 */

const SCOPE = "431202";
const OTHER = "431221";
const SCOPED_DEPARTMENTS = ["HEALTH", "EDUCATION", "CIVIL_AFFAIRS"] as const;

type Headers = Record<string, string>;

interface ListSpec {
  field: string;
  type: string;
  codeField: string;
  table: string;
  codeColumn: string;
  orders: string[];
}

const LISTS: ListSpec[] = [
  {
    field: "households",
    type: "Household",
    codeField: "villageCode",
    table: "households",
    codeColumn: "village_code",
    orders: ["ID", "HOUSEHOLD_NUMBER", "IDENTIFIED_YEAR"],
  },
  {
    field: "members",
    type: "Member",
    codeField: "villageCode",
    table: "members",
    codeColumn: "village_code",
    orders: ["ID", "BIRTH_DATE"],
  },
  {
    field: "villages",
    type: "Village",
    codeField: "code",
    table: "villages",
    codeColumn: "code",
    orders: ["CODE", "NAME", "POPULATION_DESC"],
  },
  {
    field: "projects",
    type: "Project",
    codeField: "regionCode",
    table: "projects",
    codeColumn: "region_code",
    orders: ["ID", "YEAR_DESC", "CODE"],
  },
  {
    field: "assets",
    type: "Asset",
    codeField: "villageCode",
    table: "assets",
    codeColumn: "village_code",
    orders: ["ID", "VALUE_DESC"],
  },
];

const SINGLE_LOOKUPS = [
  { field: "household", type: "Household" },
  { field: "member", type: "Member" },
  { field: "village", type: "Village" },
  { field: "project", type: "Project" },
  { field: "asset", type: "Asset" },
] as const;

interface Cursor {
  o: string;
  v: (string | number)[];
}

function decodeCursor(cursor: string): Cursor {
  return JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Cursor;
}

function rowIdOf(globalId: string): number {
  const text = Buffer.from(globalId, "base64url").toString("utf8");
  return Number(text.slice(text.indexOf(":") + 1));
}

function codesOf(body: GraphQLResponseBody): (string | undefined)[] {
  return (body.errors ?? []).map((e) => e.extensions?.code as string | undefined);
}

interface Fetched {
  nodes: { id: string; code: string }[];
  cursors: string[];
  totalCounts: (number | null)[];
}

describe("region scope: a principal of county 431202 cannot learn that rows of county 431221 exist", () => {
  let database: TestDatabase;
  let app: App;
  let owner: Headers;
  const scoped = new Map<string, Headers>();
  let transport: Headers;

  /** Out-of-scope rows (county 431221), as the owner sees them. */
  const outside: Record<string, string> = {};
  let outsideHouseholdNumbers: string[] = [];
  let outsideHead: { name: string; id_number: string; household_number: string };
  /** In-scope row ids per table, from SQL. */
  const inScopeIds = new Map<string, Set<number>>();

  async function gql(query: string, variables: Record<string, unknown> = {}, headers: Headers = owner) {
    return app.graphql({ query, variables }, headers);
  }

  async function data<T>(query: string, variables: Record<string, unknown>, headers: Headers): Promise<T> {
    const { status, data, errors } = await request<T>(app, { query, variables }, headers);
    expect(errors, JSON.stringify(errors)).toBeUndefined();
    expect(status).toBe(200);
    return data!;
  }

  async function sqlIds(table: string, column: string, prefix: string): Promise<Set<number>> {
    const rows = await database.rows<{ id: number }>(
      sql`select id from ${sql.raw(table)} where ${sql.raw(column)} like ${`${prefix}%`}`,
    );
    return new Set(rows.map((r) => Number(r.id)));
  }

  async function sqlCount(table: string, column: string, prefix: string): Promise<number> {
    const [row] = await database.rows<{ n: number }>(
      sql`select count(*)::int as n from ${sql.raw(table)} where ${sql.raw(column)} like ${`${prefix}%`}`,
    );
    return Number(row!.n);
  }

  /** Every page of a root list, following endCursor: nodes, every cursor seen, every totalCount. */
  async function fetchAll(
    spec: ListSpec,
    headers: Headers,
    options: { orderBy?: string; filter?: Record<string, unknown>; pageSize?: number; after?: string } = {},
  ): Promise<Fetched> {
    const query = `query($first: Int, $after: String, $orderBy: ${spec.type}Order, $filter: ${spec.type}Filter) {
      list: ${spec.field}(first: $first, after: $after, orderBy: $orderBy, filter: $filter) {
        totalCount
        pageInfo { hasNextPage startCursor endCursor }
        edges { cursor node { id code: ${spec.codeField} } }
      }
    }`;
    const out: Fetched = { nodes: [], cursors: [], totalCounts: [] };
    let after: string | null = options.after ?? null;
    for (let page = 0; page < 100; page += 1) {
      const result = await data<{
        list: {
          totalCount: number | null;
          pageInfo: { hasNextPage: boolean; startCursor: string | null; endCursor: string | null };
          edges: { cursor: string; node: { id: string; code: string } }[];
        };
      }>(
        query,
        {
          first: options.pageSize ?? 1000,
          after,
          orderBy: options.orderBy ?? spec.orders[0],
          filter: options.filter ?? null,
        },
        headers,
      );
      const { list } = result;
      out.totalCounts.push(list.totalCount);
      for (const edge of list.edges) {
        out.nodes.push(edge.node);
        out.cursors.push(edge.cursor);
      }
      for (const c of [list.pageInfo.startCursor, list.pageInfo.endCursor]) if (c) out.cursors.push(c);
      if (!list.pageInfo.hasNextPage) break;
      after = list.pageInfo.endCursor;
    }
    return out;
  }

  /** What a cursor records that does not belong to the scope (empty when it is clean). */
  function cursorLeaks(cursor: string, ids: Set<number>): string[] {
    const { o, v } = decodeCursor(cursor);
    const leaks: string[] = [];
    for (const value of v) {
      if (typeof value === "string" && /^[0-9]{12}/.test(value) && !value.startsWith(SCOPE)) {
        leaks.push(`${o}: code ${value}`);
      }
    }
    const key = v[v.length - 1];
    if (typeof key === "number" && !ids.has(key)) leaks.push(`${o}: row ${key} is out of scope`);
    return leaks;
  }

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await createTestApp(database);
    owner = await authHeaders("RURAL_REVITALIZATION");
    transport = await authHeaders("TRANSPORT");
    for (const department of SCOPED_DEPARTMENTS) scoped.set(department, await authHeaders(department, SCOPE));

    // The owner's view of county 431221: one row of each region-keyed type.
    const filter = { regionCode: OTHER };
    const known = await data<Record<string, { nodes: { id: string }[] }>>(
      `query($f: HouseholdFilter, $m: MemberFilter, $v: VillageFilter, $p: ProjectFilter, $a: AssetFilter) {
        households(first: 1, filter: $f) { nodes { id } }
        members(first: 1, filter: $m) { nodes { id } }
        villages(first: 1, filter: $v) { nodes { id } }
        projects(first: 1, filter: $p) { nodes { id } }
        assets(first: 1, filter: $a) { nodes { id } }
      }`,
      { f: filter, m: filter, v: filter, p: filter, a: filter },
      owner,
    );
    for (const { field, type } of SINGLE_LOOKUPS) {
      const id = known[`${field}s`]!.nodes[0]!.id;
      expect(id).toBeTruthy();
      outside[type] = id;
    }

    outsideHouseholdNumbers = (
      await database.rows<{ household_number: string }>(
        sql`select household_number from households where village_code like ${`${OTHER}%`}`,
      )
    ).map((r) => r.household_number);
    const [head] = await database.rows<{ name: string; id_number: string; household_number: string }>(
      sql`select m.name, m.id_number, h.household_number from members m join households h on h.id = m.household_id
          where h.id = ${rowIdOf(outside.Household!)} and m.relation = 'HEAD'`,
    );
    outsideHead = head!;

    for (const spec of LISTS) inScopeIds.set(spec.table, await sqlIds(spec.table, spec.codeColumn, SCOPE));
  });

  afterAll(async () => {
    await app?.stop();
    await database?.dispose();
  });

  describe("single lookups", () => {
    it("the owner finds each 431221 row by id (so a null for the scoped principal means scope, not absence)", async () => {
      for (const { field, type } of SINGLE_LOOKUPS) {
        const result = await data<Record<string, { id: string } | null>>(
          `query($id: ID!) { row: ${field}(id: $id) { id } }`,
          { id: outside[type] },
          owner,
        );
        expect(result.row?.id, field).toBe(outside[type]);
      }
    });

    for (const department of SCOPED_DEPARTMENTS) {
      it(`${department}@${SCOPE}: household, member, village, project, asset by id are null, without an error`, async () => {
        for (const { field, type } of SINGLE_LOOKUPS) {
          const { status, body } = await gql(
            `query($id: ID!) { row: ${field}(id: $id) { id } }`,
            { id: outside[type] },
            scoped.get(department),
          );
          expect(status).toBe(200);
          expect(body.errors, `${field}: ${JSON.stringify(body.errors)}`).toBeUndefined();
          expect(body.data, field).toEqual({ row: null });
        }
      });

      it(`${department}@${SCOPE}: node(id) is null for every 431221 row, and for the 431221 county and its townships`, async () => {
        const townships = await database.rows<{ code: string }>(
          sql`select code from regions where level = 'TOWNSHIP' and code like ${`${OTHER}%`}`,
        );
        const ids = [
          ...Object.values(outside),
          toGlobalId("Region", `${OTHER}000000`),
          ...townships.map((t) => toGlobalId("Region", t.code)),
        ];
        for (const id of ids) {
          const { body } = await gql(
            `query($id: ID!) { node(id: $id) { id __typename } }`,
            { id },
            scoped.get(department),
          );
          expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
          expect(body.data, id).toEqual({ node: null });
        }
        const region = await data<{ region: unknown }>(
          `query($c: String!) { region(code: $c) { code } }`,
          { c: `${OTHER}000000` },
          scoped.get(department)!,
        );
        expect(region.region).toBeNull();
      });

      it(`${department}@${SCOPE}: federation _entities resolves every 431221 entity to null`, async () => {
        const { body } = await gql(
          `query($r: [_Any!]!) { _entities(representations: $r) { ... on Household { householdNumber } } }`,
          { r: [{ __typename: "Household", id: outside.Household }] },
          scoped.get(department),
        );
        expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
        expect(body.data).toEqual({ _entities: [null] });

        const all = await gql(
          `query($r: [_Any!]!) { _entities(representations: $r) {
            ... on Household { id } ... on Member { id } ... on Village { id } ... on Project { id } ... on Asset { id }
          } }`,
          { r: SINGLE_LOOKUPS.map(({ type }) => ({ __typename: type, id: outside[type] })) },
          scoped.get(department),
        );
        expect(all.body.errors, JSON.stringify(all.body.errors)).toBeUndefined();
        expect(all.body.data).toEqual({ _entities: SINGLE_LOOKUPS.map(() => null) });
      });
    }
  });

  describe("root lists", () => {
    for (const department of SCOPED_DEPARTMENTS) {
      for (const spec of LISTS) {
        it(`${department}@${SCOPE}: ${spec.field} returns exactly the 431202 rows, totalCount = the SQL count`, async () => {
          const expected = inScopeIds.get(spec.table)!;
          const fetched = await fetchAll(spec, scoped.get(department)!);
          const outsideCodes = fetched.nodes.filter((n) => !n.code.startsWith(SCOPE)).map((n) => n.code);
          expect(outsideCodes).toEqual([]);
          expect(new Set(fetched.nodes.map((n) => rowIdOf(n.id)))).toEqual(expected);
          const count = await sqlCount(spec.table, spec.codeColumn, SCOPE);
          expect(count).toBeGreaterThan(0);
          for (const total of fetched.totalCounts) expect(total).toBe(count);
        });

        it(`${department}@${SCOPE}: ${spec.field}(filter: { regionCode: "${OTHER}" }) is empty with totalCount 0, not an error`, async () => {
          const ownerView = await fetchAll(spec, owner, { filter: { regionCode: OTHER }, pageSize: 1 });
          expect(ownerView.totalCounts[0]).toBeGreaterThan(0);
          for (const regionCode of [OTHER, `${OTHER}100`]) {
            const fetched = await fetchAll(spec, scoped.get(department)!, { filter: { regionCode } });
            expect(fetched.nodes).toEqual([]);
            expect(fetched.totalCounts).toEqual([0]);
          }
        });
      }
    }
  });

  describe("relations", () => {
    it("a 431202 village's households are all 431202, and its households filtered to 431221 are none", async () => {
      const [village] = await database.rows<{ id: number; code: string }>(
        sql`select id, code from villages where code like ${`${SCOPE}%`} order by id limit 1`,
      );
      const count = await sqlCount("households", "village_code", village!.code);
      for (const department of SCOPED_DEPARTMENTS) {
        const result = await data<{
          village: {
            householdCount: number;
            households: { totalCount: number; nodes: { villageCode: string }[] };
            other: { totalCount: number; nodes: unknown[] };
          };
        }>(
          `query($id: ID!, $f: HouseholdFilter) { village(id: $id) {
            householdCount
            households(first: 500) { totalCount nodes { villageCode } }
            other: households(first: 500, filter: $f) { totalCount nodes { villageCode } }
          } }`,
          { id: toGlobalId("Village", village!.id), f: { regionCode: OTHER } },
          scoped.get(department)!,
        );
        expect(result.village.households.nodes.length).toBe(count);
        expect(result.village.households.nodes.every((h) => h.villageCode === village!.code)).toBe(true);
        expect(result.village.households.totalCount).toBe(count);
        expect(result.village.householdCount).toBe(count);
        expect(result.village.other).toEqual({ totalCount: 0, nodes: [] });
      }
    });

    it("a cadre helping 431221 households shows none of them to the 431202 principal", async () => {
      const [cadre] = await database.rows<{ cadre_id: number; n: number }>(
        sql`select a.cadre_id, count(*)::int as n from cadre_household_assignments a
            join households h on h.id = a.household_id
            where a.end_date is null and h.village_code like ${`${OTHER}%`}
            group by a.cadre_id order by n desc, a.cadre_id limit 1`,
      );
      expect(cadre!.n).toBeGreaterThan(0);
      const id = toGlobalId("Cadre", cadre!.cadre_id);
      const query = `query($id: ID!) { cadre(id: $id) {
        householdsHelped { id villageCode householdNumber }
        village { code }
      } }`;
      const asOwner = await data<{ cadre: { householdsHelped: { villageCode: string }[] } }>(query, { id }, owner);
      expect(asOwner.cadre.householdsHelped.filter((h) => h.villageCode.startsWith(OTHER)).length).toBe(cadre!.n);
      for (const department of SCOPED_DEPARTMENTS) {
        const { cadre: helped } = await data<{
          cadre: { householdsHelped: { villageCode: string }[]; village: unknown };
        }>(query, { id }, scoped.get(department)!);
        expect(helped.householdsHelped.filter((h) => !h.villageCode.startsWith(SCOPE))).toEqual([]);
        expect(helped.village === null || (helped.village as { code: string }).code.startsWith(SCOPE)).toBe(true);
        const text = JSON.stringify(helped);
        for (const number of outsideHouseholdNumbers) expect(text.includes(number), number).toBe(false);
      }
    });

    it("a 431202 project's beneficiaries (and their count) never include a 431221 household, even one linked to it", async () => {
      const [project] = await database.rows<{ id: number }>(
        sql`select id from projects where region_code like ${`${SCOPE}%`} order by id limit 1`,
      );
      const outsideHousehold = rowIdOf(outside.Household!);
      // A cross-county link, written straight into the database: scope must still hold.
      await database.rows(
        sql`insert into project_beneficiaries (project_id, household_id) values (${project!.id}, ${outsideHousehold})
            on conflict do nothing`,
      );
      const id = toGlobalId("Project", project!.id);
      const query = `query($id: ID!) { project(id: $id) {
        beneficiaryCount
        beneficiaries(first: 500) { id villageCode householdNumber }
      } }`;
      const asOwner = await data<{ project: { beneficiaries: { id: string }[] } }>(query, { id }, owner);
      expect(asOwner.project.beneficiaries.map((b) => b.id)).toContain(outside.Household);
      const [inScopeLinks] = await database.rows<{ n: number }>(
        sql`select count(*)::int as n from project_beneficiaries pb join households h on h.id = pb.household_id
            where pb.project_id = ${project!.id} and h.village_code like ${`${SCOPE}%`}`,
      );
      // Only civil affairs (and the owner) may read beneficiaries.
      const civil = scoped.get("CIVIL_AFFAIRS")!;
      const { project: seen } = await data<{
        project: { beneficiaryCount: number; beneficiaries: { villageCode: string }[] };
      }>(query, { id }, civil);
      expect(seen.beneficiaries.filter((b) => !b.villageCode.startsWith(SCOPE))).toEqual([]);
      expect(seen.beneficiaries.length).toBe(inScopeLinks!.n);
      expect(seen.beneficiaryCount).toBe(inScopeLinks!.n);
      expect(JSON.stringify(seen)).not.toContain(outsideHead.household_number);

      // Every 431202 project's beneficiaries, through the list.
      const all = await data<{ projects: { nodes: { beneficiaries: { villageCode: string }[] }[] } }>(
        `{ projects(first: 1000) { nodes { beneficiaries(first: 500) { villageCode } } } }`,
        {},
        civil,
      );
      const leaked = all.projects.nodes.flatMap((p) => p.beneficiaries).filter((b) => !b.villageCode.startsWith(SCOPE));
      expect(leaked).toEqual([]);
    });

    it("an agency paired with 431221 villages shows none of them to the 431202 principal", async () => {
      const [agency] = await database.rows<{ agency_id: number; n: number }>(
        sql`select a.agency_id, count(*)::int as n from agency_village_assignments a join villages v on v.id = a.village_id
            where a.end_date is null and v.code like ${`${OTHER}%`}
            group by a.agency_id order by n desc, a.agency_id limit 1`,
      );
      expect(agency!.n).toBeGreaterThan(0);
      const id = toGlobalId("Agency", agency!.agency_id);
      const query = `query($id: ID!) { agency(id: $id) {
        villages { code }
        villageAssignments { village { code } }
        projectsLed { regionCode }
      } }`;
      const asOwner = await data<{ agency: { villages: { code: string }[] } }>(query, { id }, owner);
      expect(asOwner.agency.villages.filter((v) => v.code.startsWith(OTHER)).length).toBe(agency!.n);
      for (const department of SCOPED_DEPARTMENTS) {
        const seen = await data<{
          agency: {
            villages: { code: string }[];
            villageAssignments: { village: { code: string } | null }[];
            projectsLed: { regionCode: string }[];
          };
        }>(query, { id }, scoped.get(department)!);
        expect(seen.agency.villages.filter((v) => !v.code.startsWith(SCOPE))).toEqual([]);
        expect(seen.agency.villageAssignments.filter((a) => a.village && !a.village.code.startsWith(SCOPE))).toEqual(
          [],
        );
        expect(seen.agency.projectsLed.filter((p) => !p.regionCode.startsWith(SCOPE))).toEqual([]);
      }
    });

    it("regions(): its own subtree and its ancestors (4312, 43), no 431221 region", async () => {
      const all = (await database.rows<{ code: string }>(sql`select code from regions`)).map((r) => r.code);
      const expected = all.filter((c) => c.startsWith(SCOPE) || c === "430000000000" || c === "431200000000").sort();
      expect(all.some((c) => c.startsWith(OTHER) && c !== `${OTHER}000000`)).toBe(true);
      for (const department of SCOPED_DEPARTMENTS) {
        const headers = scoped.get(department)!;
        const result = await data<{
          regions: { code: string; children: { code: string }[]; villages: { code: string }[] }[];
        }>(`{ regions { code children { code } villages { code } } }`, {}, headers);
        expect(result.regions.map((r) => r.code).sort()).toEqual(expected);
        const reached = result.regions.flatMap((r) => [...r.children, ...r.villages].map((c) => c.code));
        expect(reached.filter((c) => c.startsWith(OTHER))).toEqual([]);
        const under = await data<{ a: unknown[]; b: unknown[] }>(
          `{ a: regions(filter: { regionCode: "${OTHER}" }) { code } b: regions(filter: { parentCode: "${OTHER}000000" }) { code } }`,
          {},
          headers,
        );
        expect(under).toEqual({ a: [], b: [] });
      }
    });
  });

  describe("cursors", () => {
    it("no cursor the scoped principal receives records a value of an out-of-scope row, in any ordering", async () => {
      const headers = scoped.get("HEALTH")!;
      const leaks: string[] = [];
      for (const spec of LISTS) {
        for (const orderBy of spec.orders) {
          const fetched = await fetchAll(spec, headers, { orderBy, pageSize: 700 });
          expect(fetched.cursors.length).toBeGreaterThan(0);
          for (const cursor of fetched.cursors) {
            leaks.push(...cursorLeaks(cursor, inScopeIds.get(spec.table)!).map((l) => `${spec.field} ${l}`));
          }
        }
      }
      expect(leaks).toEqual([]);
    });

    it("a cursor minted by the city-wide principal for a 431221 row, fed to the scoped principal, yields no 431221 row", async () => {
      const headers = scoped.get("HEALTH")!;
      for (const spec of LISTS) {
        for (const orderBy of spec.orders) {
          const minted = await data<{ list: { edges: { cursor: string }[] } }>(
            `query($o: ${spec.type}Order, $f: ${spec.type}Filter) { list: ${spec.field}(first: 3, orderBy: $o, filter: $f) { edges { cursor } } }`,
            { o: orderBy, f: { regionCode: OTHER } },
            owner,
          );
          for (const { cursor } of minted.list.edges) {
            for (const direction of ["after", "before"] as const) {
              const result = await data<{
                list: { nodes: { code: string }[]; edges: { cursor: string }[]; totalCount: number };
              }>(
                `query($o: ${spec.type}Order, $c: String) { list: ${spec.field}(${direction === "after" ? "first" : "last"}: 200, ${direction}: $c, orderBy: $o) {
                  totalCount nodes { code: ${spec.codeField} } edges { cursor }
                } }`,
                { o: orderBy, c: cursor },
                headers,
              );
              const label = `${spec.field} ${orderBy} ${direction}`;
              expect(
                result.list.nodes.filter((n) => !n.code.startsWith(SCOPE)),
                label,
              ).toEqual([]);
              expect(result.list.totalCount, label).toBe(inScopeIds.get(spec.table)!.size);
              for (const c of result.list.edges) expect(cursorLeaks(c.cursor, inScopeIds.get(spec.table)!)).toEqual([]);
            }
          }
        }
      }
    });
  });

  describe("error messages", () => {
    it("malformed ids, mistyped ids and 431221 ids never yield a message naming a 431221 household or member", async () => {
      const headers = scoped.get("CIVIL_AFFAIRS")!;
      const householdKey = rowIdOf(outside.Household!);
      const badIds = [
        "not-an-id",
        "%%%",
        "",
        Buffer.from("Household:").toString("base64url"),
        Buffer.from(`Household:${outsideHead.household_number}`).toString("base64url"),
        Buffer.from(`Household:${householdKey}x`).toString("base64url"),
        Buffer.from(`Member:${householdKey}`).toString("base64url"),
        toGlobalId("Household", -householdKey),
        toGlobalId("Household", 10 ** 20),
        outside.Household!,
        outside.Member!,
      ];
      const queries = [
        `query($id: ID!) { household(id: $id) { householdNumber members { name } } }`,
        `query($id: ID!) { member(id: $id) { name household { householdNumber } } }`,
        `query($id: ID!) { village(id: $id) { name } }`,
        `query($id: ID!) { project(id: $id) { name } }`,
        `query($id: ID!) { asset(id: $id) { name } }`,
        `query($id: ID!) { node(id: $id) { id ... on Household { householdNumber } ... on Member { name idNumber } } }`,
        `query($id: ID!) { _entities(representations: [{ __typename: "Household", id: $id }]) { ... on Household { householdNumber } } }`,
        `query($id: ID!) { _entities(representations: [{ __typename: "Member", id: $id }]) { ... on Member { name } } }`,
        `query($id: ID!) { households(first: 2, after: $id) { nodes { householdNumber } } }`,
        `query($id: ID!) { members(first: 2, before: $id) { nodes { name } } }`,
        `query($id: ID!) { assets(first: 2, filter: { projectId: $id }) { nodes { name } } }`,
      ];
      const members = await database.rows<{ name: string; id_number: string }>(
        sql`select name, id_number from members where household_id = ${householdKey}`,
      );
      const secrets = [...outsideHouseholdNumbers, ...members.map((m) => m.name), ...members.map((m) => m.id_number)];
      let errorsSeen = 0;
      for (const query of queries) {
        for (const id of badIds) {
          const { body } = await gql(query, { id }, headers);
          const messages = (body.errors ?? []).map((e) => e.message.replace(/\(request [^)]*\)/g, "")).join("\n");
          errorsSeen += body.errors?.length ?? 0;
          const text = JSON.stringify(body);
          // No household number, name or identity number appears; the row key never appears decoded.
          for (const secret of secrets)
            expect(text.includes(secret), `${query} ${id}: ${text.slice(0, 300)}`).toBe(false);
          expect(messages).not.toMatch(new RegExp(`(:|\\b)${householdKey}\\b`));
        }
      }
      expect(errorsSeen).toBeGreaterThan(0);
    });

    // BUG (left failing on purpose): an id whose integer key is a safe JS integer but beyond the
    // PostgreSQL `integer` range (e.g. a 16-digit household number used as the key) passes
    // decodeId / intKey (src/shared/global-id.ts) and reaches the database, which fails with
    // "integer out of range": the caller gets INTERNAL_SERVER_ERROR (a server fault, logged as an
    // error) instead of null / BAD_USER_INPUT. Nothing of the row leaks — the message is masked.
    it("an id whose key is beyond the integer range is a user error or null, never INTERNAL_SERVER_ERROR", async () => {
      const headers = scoped.get("CIVIL_AFFAIRS")!;
      const huge = outsideHead.household_number.slice(0, 16);
      const cases: [string, Record<string, unknown>][] = [
        ...SINGLE_LOOKUPS.map(
          ({ field, type }) =>
            [`query($id: ID!) { ${field}(id: $id) { id } }`, { id: toGlobalId(type, huge) }] as [
              string,
              Record<string, unknown>,
            ],
        ),
        ...SINGLE_LOOKUPS.map(
          ({ type }) =>
            [`query($id: ID!) { node(id: $id) { id } }`, { id: toGlobalId(type, huge) }] as [
              string,
              Record<string, unknown>,
            ],
        ),
        // intKey (node, _entities) stops at 15 digits, still far beyond the integer range.
        [`query($id: ID!) { node(id: $id) { id } }`, { id: toGlobalId("Household", "99999999999") }],
        [
          `query($r: [_Any!]!) { _entities(representations: $r) { ... on Household { id } } }`,
          { r: [{ __typename: "Household", id: toGlobalId("Household", huge) }] },
        ],
        [
          `query($r: [_Any!]!) { _entities(representations: $r) { ... on Member { id } } }`,
          { r: [{ __typename: "Member", id: toGlobalId("Member", "99999999999") }] },
        ],
        [
          `query($c: String) { households(first: 1, after: $c) { nodes { id } } }`,
          { c: Buffer.from(JSON.stringify({ o: "ID", v: [Number(huge)] })).toString("base64url") },
        ],
        [
          `query($id: ID!) { assets(first: 1, filter: { projectId: $id }) { nodes { id } } }`,
          { id: toGlobalId("Project", huge) },
        ],
      ];
      const faults: string[] = [];
      for (const [query, variables] of cases) {
        const { body } = await gql(query, variables, headers);
        for (const error of body.errors ?? []) {
          if (error.extensions?.code !== "BAD_USER_INPUT") faults.push(`${query}: ${String(error.extensions?.code)}`);
        }
        expect(JSON.stringify(body)).not.toContain(outsideHead.household_number);
      }
      expect(faults).toEqual([]);
    });
  });

  describe("ordering", () => {
    it("the scoped principal gets the same set of rows whatever orderBy, paged across many boundaries", async () => {
      const headers = scoped.get("HEALTH")!;
      for (const spec of LISTS) {
        const expected = [...inScopeIds.get(spec.table)!].sort((a, b) => a - b);
        for (const orderBy of spec.orders) {
          const pageSize = spec.field === "members" ? 997 : spec.field === "households" ? 211 : 7;
          const fetched = await fetchAll(spec, headers, { orderBy, pageSize });
          const ids = fetched.nodes.map((n) => rowIdOf(n.id));
          expect(new Set(ids).size, `${spec.field} ${orderBy}: duplicates`).toBe(ids.length);
          expect(
            [...ids].sort((a, b) => a - b),
            `${spec.field} ${orderBy}`,
          ).toEqual(expected);
        }
      }
    });
  });

  describe("TRANSPORT (even city-wide) reaches no member field by any path", () => {
    let memberSecrets: string[];
    let memberId: string;
    let villageId: string;
    let cadreId: string;
    let projectId: string;

    beforeAll(async () => {
      const rows = await database.rows<{ name: string; id_number: string }>(sql`select name, id_number from members`);
      memberSecrets = [...new Set(rows.flatMap((r) => [r.name, r.id_number]))];
      const [member] = await database.rows<{ id: number }>(sql`select id from members order by id limit 1`);
      memberId = toGlobalId("Member", member!.id);
      const [village] = await database.rows<{ id: number }>(sql`select id from villages order by id limit 1`);
      villageId = toGlobalId("Village", village!.id);
      const [cadre] = await database.rows<{ cadre_id: number }>(
        sql`select cadre_id from cadre_household_assignments where end_date is null order by cadre_id limit 1`,
      );
      cadreId = toGlobalId("Cadre", cadre!.cadre_id);
      const [project] = await database.rows<{ project_id: number }>(
        sql`select project_id from project_beneficiaries order by project_id limit 1`,
      );
      projectId = toGlobalId("Project", project!.project_id);
    });

    const PATHS: { name: string; query: string; vars: () => Record<string, unknown> }[] = [
      { name: "members", query: `{ members(first: 5) { nodes { name idNumber } } }`, vars: () => ({}) },
      { name: "members totalCount", query: `{ members { totalCount } }`, vars: () => ({}) },
      { name: "member(id)", query: `query($id: ID!) { member(id: $id) { name } }`, vars: () => ({ id: memberId }) },
      {
        name: "households.members",
        query: `{ households(first: 5) { nodes { members { name idNumber } } } }`,
        vars: () => ({}),
      },
      { name: "households.head", query: `{ households(first: 5) { nodes { head { name } } } }`, vars: () => ({}) },
      {
        name: "node(member)",
        query: `query($id: ID!) { node(id: $id) { id ... on Member { name idNumber } } }`,
        vars: () => ({ id: memberId }),
      },
      {
        name: "node(member) id only",
        query: `query($id: ID!) { node(id: $id) { id __typename } }`,
        vars: () => ({ id: memberId }),
      },
      {
        name: "_entities(Member)",
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Member { name idNumber } } }`,
        vars: () => ({ r: [{ __typename: "Member", id: memberId }] }),
      },
      {
        name: "_entities(Member) typename only",
        query: `query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`,
        vars: () => ({ r: [{ __typename: "Member", id: memberId }] }),
      },
      {
        name: "village.households.members",
        query: `query($id: ID!) { village(id: $id) { households(first: 5) { nodes { members { name } } } } }`,
        vars: () => ({ id: villageId }),
      },
      {
        name: "villages.households.head",
        query: `{ villages(first: 2) { nodes { households(first: 5) { nodes { head { name idNumber } } } } } }`,
        vars: () => ({}),
      },
      {
        name: "cadre.householdsHelped.members",
        query: `query($id: ID!) { cadre(id: $id) { householdsHelped { members { name idNumber } } } }`,
        vars: () => ({ id: cadreId }),
      },
      {
        name: "project.beneficiaries.members",
        query: `query($id: ID!) { project(id: $id) { beneficiaries { members { name idNumber } } } }`,
        vars: () => ({ id: projectId }),
      },
      {
        name: "projects.beneficiaries.head",
        query: `{ projects(first: 3) { nodes { beneficiaries { head { name } } } } }`,
        vars: () => ({}),
      },
      {
        name: "assets.custodian.household.members",
        query: `{ assets(first: 50) { nodes { custodian { household { members { name } } } } } }`,
        vars: () => ({}),
      },
      {
        name: "members filtered by region",
        query: `{ members(first: 5, filter: { regionCode: "${OTHER}" }) { nodes { name } totalCount } }`,
        vars: () => ({}),
      },
    ];

    for (const path of PATHS) {
      it(`${path.name}: FORBIDDEN or null, and no member name or identity number in the response`, async () => {
        for (const region of ["", SCOPE]) {
          const headers = region ? await authHeaders("TRANSPORT", region) : transport;
          const { body } = await gql(path.query, path.vars(), headers);
          const text = JSON.stringify(body);
          // Refused by the policy, or outside the contract (answered as a field that does not exist).
          const forbidden = codesOf(body).some((c) => c === "FORBIDDEN" || c === "GRAPHQL_VALIDATION_FAILED");
          if (!forbidden) {
            // Without FORBIDDEN, nothing of a member may come back: every value on the path is null.
            expect(JSON.stringify(body.data ?? null), text).toMatch(/^(null|\{"[a-zA-Z_]+":(null|\[null\])\})$/);
          } else {
            expect(body.data ?? null, text).toBeNull();
          }
          const leaked = memberSecrets.filter((s) => text.includes(s));
          expect(leaked, `${path.name}: ${text.slice(0, 300)}`).toEqual([]);
        }
      });
    }
  });

  describe("PUBLIC (no credentials)", () => {
    it("households totalCount is a number rounded to a multiple of 5 (README, Published counts), never rows", async () => {
      const {
        households: { totalCount: total },
      } = await data<{ households: { totalCount: number | null } }>(`{ households { totalCount } }`, {}, {});
      const exact = await sqlCount("households", "village_code", "43");
      expect(total! % 5).toBe(0);
      expect(Math.abs(total! - exact)).toBeLessThan(5);
      const rows = await gql(`{ households(first: 1) { nodes { householdNumber } } }`, {}, {});
      expect(codesOf(rows.body)).toContain("GRAPHQL_VALIDATION_FAILED");
      expect(rows.body.data ?? null).toBeNull();
    });

    it("a small cell (1–4 households) never shows its count: filtered by a rare cause in one village", async () => {
      const [cell] = await database.rows<{ village_code: string; primary_cause: string; n: number }>(
        sql`select village_code, primary_cause, count(*)::int as n from households
            group by 1, 2 having count(*) between 1 and 4 order by 1, 2 limit 1`,
      );
      expect(cell).toBeDefined();
      const owners = await data<{ households: { totalCount: number } }>(
        `query($f: HouseholdFilter) { households(filter: $f) { totalCount } }`,
        { f: { regionCode: cell!.village_code, primaryCause: [cell!.primary_cause] } },
        owner,
      );
      expect(owners.households.totalCount).toBe(cell!.n);
      const body = await request<{ households: { totalCount: unknown } }>(
        app,
        {
          query: `query($f: HouseholdFilter) { households(filter: $f) { totalCount } }`,
          variables: { f: { regionCode: cell!.village_code, primaryCause: [cell!.primary_cause] } },
        },
        {},
      );
      // Either the filter itself is refused (the public may not ask about causes) or the count is rounded.
      if (codesOf(body).some((c) => c === "FORBIDDEN" || c === "GRAPHQL_VALIDATION_FAILED")) {
        expect(body.data ?? null).toBeNull();
      } else expect([0, 5]).toContain(body.data!.households.totalCount);
    });

    it("a small cell the public may ask about (a village of 3 households) shows 0 or 5, the same by either field", async () => {
      const [township] = await database.rows<{ code: string }>(
        sql`select code from regions where level = 'TOWNSHIP' and code like ${`${SCOPE}%`} order by code limit 1`,
      );
      const villageCode = `${township!.code.slice(0, 9)}299`;
      await database.rows(
        sql`insert into villages (code, name, township_code, poverty_status) values (${villageCode}, '测试小村', ${township!.code}, 'NOT_POOR')`,
      );
      for (let i = 1; i <= 3; i += 1) {
        await database.rows(
          sql`insert into households (household_number, village_code, address, attribute, status, identified_year, primary_cause)
              values (${`${villageCode}000${i}`}, ${villageCode}, '测试地址', 'GENERAL', 'POOR', 2015, 'ILLNESS')`,
        );
      }
      const asOwner = await data<{ households: { totalCount: number } }>(
        `query($c: String) { households(filter: { regionCode: $c }) { totalCount } }`,
        { c: villageCode },
        owner,
      );
      expect(asOwner.households.totalCount).toBe(3);
      const result = await data<{
        households: { totalCount: number | null };
        villages: { nodes: { householdCount: number | null }[] };
        empty: { totalCount: number | null };
      }>(
        `query($c: String) {
          households(filter: { regionCode: $c }) { totalCount }
          villages(filter: { regionCode: $c }) { nodes { householdCount } }
          empty: households(filter: { regionCode: "${SCOPE}999999" }) { totalCount }
        }`,
        { c: villageCode },
        {},
      );
      // Rounded, and the same for the same households however they are asked for: never 3.
      expect([0, 5]).toContain(result.households.totalCount);
      expect(result.villages.nodes).toEqual([{ householdCount: result.households.totalCount }]);
      expect(result.empty.totalCount).toBe(0);
    });

    it("assets never include a household-owned one, by list, filter, id, node or relation", async () => {
      const [owned] = await database.rows<{ id: number; village_code: string; project_id: number }>(
        sql`select id, village_code, project_id from assets where kind = 'HOUSEHOLD_OWNED' order by id limit 1`,
      );
      const id = toGlobalId("Asset", owned!.id);
      const [village] = await database.rows<{ id: number }>(
        sql`select id from villages where code = ${owned!.village_code}`,
      );
      const result = await data<{
        assets: { totalCount: number; nodes: { kind: string }[] };
        owned: { totalCount: number; nodes: unknown[] };
        asset: unknown;
        node: unknown;
        village: { assets: { kind: string }[]; owned: unknown[] };
        project: { assets: { kind: string }[] };
      }>(
        `query($id: ID!, $v: ID!, $p: ID!) {
          assets(first: 1000) { totalCount nodes { kind } }
          owned: assets(filter: { kind: [HOUSEHOLD_OWNED] }) { totalCount nodes { id } }
          asset(id: $id) { id }
          node(id: $id) { id }
          village(id: $v) { assets { kind } owned: assets(kind: [HOUSEHOLD_OWNED]) { id } }
          project(id: $p) { assets { kind } }
        }`,
        { id, v: toGlobalId("Village", village!.id), p: toGlobalId("Project", owned!.project_id) },
        {},
      );
      const [publicAssets] = await database.rows<{ n: number }>(
        sql`select count(*)::int as n from assets where kind <> 'HOUSEHOLD_OWNED'`,
      );
      expect(result.assets.nodes.length).toBe(publicAssets!.n);
      expect(result.assets.totalCount).toBe(publicAssets!.n);
      expect(result.assets.nodes.map((a) => a.kind)).not.toContain("HOUSEHOLD_OWNED");
      expect(result.owned).toEqual({ totalCount: 0, nodes: [] });
      expect(result.asset).toBeNull();
      expect(result.node).toBeNull();
      expect(result.village.assets.map((a) => a.kind)).not.toContain("HOUSEHOLD_OWNED");
      expect(result.village.owned).toEqual([]);
      expect(result.project.assets.map((a) => a.kind)).not.toContain("HOUSEHOLD_OWNED");
    });

    it("an invalid token gets HTTP 401 UNAUTHENTICATED, not the public's data", async () => {
      for (const authorization of ["Bearer nonsense", "Bearer", "Basic dXNlcjpwYXNz"]) {
        const { status, body } = await gql(`{ projects(first: 1) { totalCount nodes { id } } }`, {}, { authorization });
        expect(status, authorization).toBe(401);
        expect(codesOf(body)).toEqual(["UNAUTHENTICATED"]);
        expect(body.data ?? null).toBeNull();
      }
      const scopedToken = await authHeaders("HEALTH", SCOPE);
      const tampered = `${scopedToken.authorization!.slice(0, -2)}xx`;
      const { status, body } = await gql(`{ households { totalCount } }`, {}, { authorization: tampered });
      expect(status).toBe(401);
      expect(codesOf(body)).toEqual(["UNAUTHENTICATED"]);
    });
  });
});
