import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { authHeaders, createTestApp } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { example } from "../helpers/examples.js";

interface Page {
  households: {
    totalCount: number;
    nodes: { id: string; village: { code: string } | null; members: { name: string; idNumber?: string }[] }[];
  };
}

interface Overview {
  villages: {
    nodes: {
      householdCount: number | null;
      povertyIncidence: number | null;
      firstSecretary: { name: string } | null;
      agencies: { name: string }[];
      assets: { name: string }[];
    }[];
  };
}

/**
 * On the compiled read path a root field is one statement: the officer's page — households of a
 * county with members, village, township, helper and agency, projects and totalCount — is one
 * SELECT that reads only the columns asked, within the principal's region, masked as the policy says.
 */
describe("statements of the compiled read path", () => {
  let database: TestDatabase;
  let app: App;

  beforeAll(async () => {
    database = await openTestDatabase({ recordSql: true });
    app = await createTestApp(database);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.dispose();
  });

  async function run(query: string, headers: Record<string, string>) {
    const count = database.statements.count;
    const logged = database.statements.log!.length;
    const { body } = await app.graphql({ query }, headers);
    expect(body.errors).toBeUndefined();
    return {
      data: body.data as unknown as Page,
      statements: database.statements.count - count,
      sql: database.statements.log!.slice(logged).filter((s) => !/"audit_log"|pg_advisory_xact_lock/.test(s)),
    };
  }

  it("answers the officer page with one data statement, totalCount included", async () => {
    const page = await run(example("officer-households-page"), await authHeaders("RURAL_REVITALIZATION"));
    expect(page.statements).toBe(1);
    expect(page.sql).toHaveLength(1);
    expect(page.sql[0]).toMatch(/count\(\*\)/);
    expect(page.data.households.nodes).toHaveLength(50);
    expect(page.data.households.totalCount).toBeGreaterThan(50);
  });

  it("answers the village overview with one data statement, its counts and incidence computed in it", async () => {
    const overview = await run(example("village-overview"), await authHeaders("RURAL_REVITALIZATION"));
    expect(overview.statements).toBe(1);
    expect(overview.sql).toHaveLength(1);
    const { villages } = overview.data as unknown as Overview;
    expect(villages.nodes.length).toBeGreaterThan(0);
    for (const village of villages.nodes) {
      expect(village.householdCount).toBeGreaterThan(0);
      expect(village.povertyIncidence).toBeGreaterThanOrEqual(0);
      expect(village.povertyIncidence).toBeLessThanOrEqual(1);
    }
    expect(villages.nodes.some((v) => v.firstSecretary && v.agencies.length && v.assets.length)).toBe(true);
  });

  it("leaves a count the public receives rounded to its resolver", async () => {
    const overview = await run(example("village-overview"), {});
    expect(overview.statements).toBeGreaterThan(1);
    for (const village of (overview.data as unknown as Overview).villages.nodes) {
      expect(village.householdCount! % 5).toBe(0);
      expect(village.povertyIncidence).toBeNull();
    }
  });

  it("reads only the columns asked: no identity number unless the operation names it", async () => {
    const headers = await authHeaders("RURAL_REVITALIZATION");
    const without = await run(example("officer-households-page"), headers);
    expect(without.sql[0]).not.toMatch(/id_number/);
    expect(without.sql[0]).not.toMatch(/"households"\."address"/);
    const withIt = await run(`{ households(first: 3) { nodes { members { name idNumber } } } }`, headers);
    expect(withIt.statements).toBe(1);
    expect(withIt.sql[0]).toMatch(/"members"\."id_number"/);
    expect(withIt.data.households.nodes[0]!.members[0]!.idNumber).toMatch(/^\d{17}[\dX]$/);
  });

  it("masks in SQL where the policy masks: the unmasked identity number never leaves the database", async () => {
    const masked = await run(
      `{ households(first: 3) { nodes { members { name idNumber } } } }`,
      await authHeaders("EDUCATION"),
    );
    expect(masked.statements).toBe(1);
    expect(masked.sql[0]).toMatch(/left\("members"\."id_number", 6\) \|\| '\*\*\*\*\*\*\*\*'/);
    for (const household of masked.data.households.nodes) {
      for (const member of household.members) expect(member.idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
    }
  });

  it("keeps a county principal inside its county, in the page and in its count", async () => {
    const query = `{ households(first: 100) { totalCount nodes { id village { code } members { name } } } }`;
    const county = await run(query, await authHeaders("RURAL_REVITALIZATION", "431221"));
    const city = await run(query, await authHeaders("RURAL_REVITALIZATION"));
    expect(county.statements).toBe(1);
    expect(county.data.households.nodes.length).toBeGreaterThan(0);
    for (const node of county.data.households.nodes) expect(node.village!.code.startsWith("431221")).toBe(true);
    expect(county.data.households.totalCount).toBeLessThan(city.data.households.totalCount);
  });

  it("keeps each principal in its own region when the same operation is asked again by another", async () => {
    // The statement is built once and kept: a principal of another region must not get the first one's.
    const query = `{ households(first: 20) { totalCount nodes { id village { code } members { name } } } }`;
    const pages = [];
    for (const region of ["431221", "431202", "431221", "431202"]) {
      const page = await run(query, await authHeaders("RURAL_REVITALIZATION", region));
      expect(page.statements).toBe(1);
      expect(page.data.households.nodes.length).toBeGreaterThan(0);
      for (const node of page.data.households.nodes) expect(node.village!.code.startsWith(region)).toBe(true);
      pages.push(page.data);
    }
    expect(pages[2]).toEqual(pages[0]);
    expect(pages[3]).toEqual(pages[1]);
    expect(pages[1]!.households.totalCount).not.toBe(pages[0]!.households.totalCount);
  });
  it("walks a county page after page, every page after a cursor one statement of the same text", async () => {
    const walk = `query Walk($after: String) { households(first: 7, after: $after) {
      pageInfo { hasNextPage hasPreviousPage endCursor } nodes { id village { code } } } }`;
    interface WalkPage {
      households: {
        pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string };
        nodes: { id: string; village: { code: string } }[];
      };
    }
    const page = async (headers: Record<string, string>, after: string | null) => {
      const logged = database.statements.log!.length;
      const count = database.statements.count;
      const { body } = await app.graphql({ query: walk, variables: { after } }, headers);
      const sql = database.statements.log!.slice(logged).filter((s) => !/"audit_log"|pg_advisory_xact_lock/.test(s));
      return { body, data: body.data as unknown as WalkPage, statements: database.statements.count - count, sql };
    };
    const county = await authHeaders("RURAL_REVITALIZATION", "431221");
    const ids: string[] = [];
    const texts: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 4; i++) {
      const { data, statements, sql } = await page(county, after);
      expect(statements).toBe(1);
      expect(data.households.pageInfo.hasPreviousPage).toBe(after !== null);
      for (const node of data.households.nodes) expect(node.village.code.startsWith("431221")).toBe(true);
      ids.push(...data.households.nodes.map((n) => n.id));
      if (after) texts.push(sql[0]!);
      after = data.households.pageInfo.endCursor;
    }
    expect(new Set(texts).size).toBe(1);
    // The same households, in the same order, as one page of all of them.
    const whole = await run(`{ households(first: 28) { nodes { id } } }`, county);
    expect(ids).toEqual(whole.data.households.nodes.map((n) => n.id));

    // Each principal's pages after a cursor stay in its own region, whoever's cursor it is given.
    const elsewhere = await authHeaders("RURAL_REVITALIZATION", "431202");
    const theirs = await page(elsewhere, null);
    const mine = await page(county, theirs.data.households.pageInfo.endCursor);
    const them = await page(elsewhere, after);
    expect(mine.data.households.nodes.length + them.data.households.nodes.length).toBeGreaterThan(0);
    for (const node of mine.data.households.nodes) expect(node.village.code.startsWith("431221")).toBe(true);
    for (const node of them.data.households.nodes) expect(node.village.code.startsWith("431202")).toBe(true);

    // A cursor that is not one is refused as it always was.
    const forged = await page(county, Buffer.from('{"o":"ID","v":["1; DROP"]}').toString("base64url"));
    expect(forged.body.errors?.[0]?.message).toMatch(/Invalid cursor/);
  });
});
