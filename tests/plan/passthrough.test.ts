import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { authHeaders, createTestApp } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { example } from "../helpers/examples.js";
import { post, serve, type RunningServer } from "../helpers/server.js";

interface AuditRow {
  fields: string[];
  record_count: number;
  household_ids: number[];
}

/**
 * A compiled answer goes to the client as PostgreSQL wrote it: over HTTP the officer's page is the
 * reference path's answer, one JSON document of the length the server announces, and its read audit
 * entry names the same personal fields, records and households, though Node never parsed the rows.
 */
describe("compiled answers passed through to the client", () => {
  let database: TestDatabase;
  let server: RunningServer;
  let reference: App;

  beforeAll(async () => {
    database = await openTestDatabase();
    server = await serve(database);
    reference = await createTestApp(database, { readPath: "resolvers" });
  });
  afterAll(async () => {
    await server?.close();
    await reference?.stop();
    await database?.dispose();
  });

  /** The operation's data over HTTP, with no errors and equal to the reference path's. */
  const answeredAlike = async (query: string, headers: Record<string, string>) => {
    const response = await post(server.origin, { query }, headers);
    const passed = (await response.json()) as { data: Record<string, unknown>; errors?: unknown };
    expect(passed.errors).toBeUndefined();
    expect(passed.data).toEqual((await reference.graphql({ query }, headers)).body.data);
    return passed.data;
  };

  const lastAudit = async () =>
    (
      await database.rows<AuditRow>(
        sql`SELECT fields, record_count, household_ids FROM audit_log ORDER BY id DESC LIMIT 1`,
      )
    )[0];

  it("sends the officer page as the reference path answers it, with its length and its audit entry", async () => {
    const headers = await authHeaders("RURAL_REVITALIZATION");
    const query = example("officer-households-page");
    const response = await post(server.origin, { query }, headers);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(response.status).toBe(200);
    expect(Number(response.headers.get("content-length"))).toBe(bytes.length);
    const passed = JSON.parse(bytes.toString("utf8")) as { data: unknown; errors?: unknown };
    const passedAudit = await lastAudit();

    const expected = await reference.graphql({ query }, headers);
    expect(passed.errors).toBeUndefined();
    expect(passed.data).toEqual(expected.body.data);
    const referenceAudit = await lastAudit();
    expect(passedAudit!.fields).toEqual(referenceAudit!.fields);
    expect(passedAudit!.record_count).toBe(referenceAudit!.record_count);
    expect([...passedAudit!.household_ids].sort()).toEqual([...referenceAudit!.household_ids].sort());
    expect(passedAudit!.record_count).toBeGreaterThan(0);
  });

  it("places a compiled root field among fields answered by resolvers, in the operation's order", async () => {
    const headers = await authHeaders("EDUCATION");
    const query = `{ projects(first: 2) { nodes { id name } }
      households(first: 2) { nodes { id members { name idNumber } } }
      villages(first: 2) { nodes { id name } } }`;
    const data = await answeredAlike(query, headers);
    expect(Object.keys(data)).toEqual(["projects", "households", "villages"]);
  });

  it("answers a household by id as the reference does, null for one outside the principal's region", async () => {
    const [row] = await database.rows<{ id: number; village_code: string }>(
      sql`SELECT id, village_code FROM households WHERE village_code NOT LIKE '431221%' ORDER BY id LIMIT 1`,
    );
    const id = Buffer.from(`Household:${row!.id}`).toString("base64url");
    const query = `{ household(id: "${id}") { id householdNumber members { name } } }`;
    for (const region of ["", "431221"]) {
      const headers = await authHeaders("RURAL_REVITALIZATION", region);
      const passed = (await (await post(server.origin, { query }, headers)).json()) as { data: unknown };
      expect(passed.data).toEqual((await reference.graphql({ query }, headers)).body.data);
    }
  });

  it("keeps every response key whole, however long, at every level and in every root field's form", async () => {
    // PostgreSQL names a column with at most 63 bytes: an object whose keys are longer is built otherwise.
    const long = `k${"x".repeat(70)}`;
    const query = `{
      households(first: 3) { edges { ${long}: cursor node { ${long}: householdNumber id
        village { ${long}: name township { name } } members { ${long}: name short: gender } } } }
      villages(first: 2) { nodes { name } }
      regions(filter: { parentCode: "431221000000" }) { ${long}: code name }
    }`;
    const headers = await authHeaders("RURAL_REVITALIZATION");
    const data = await answeredAlike(query, headers);
    const text = JSON.stringify(data);
    expect(text).toContain(`"${long}":`);
    expect(text).not.toContain(`"${long.slice(0, 63)}":`);
  });

  it("answers response keys that are the names its statement uses for itself", async () => {
    // The keys name the columns of each object's row: none may stand for the statement's own names.
    const query = `{
      rn: households(first: 3) {
        totalCount pageInfo { endCursor }
        nodes { rn: householdNumber xg_o0: id j: status c: attribute a: villageCode fetched: identifiedYear
          households: village { xg_o: name rn: code township { xg_o: name } }
          members { rn: name xg_o: gender xg_r0: relation j: birthDate c: idNumber } }
        edges { rn: cursor xg_o0: node { xg_o0: householdNumber xg_o1: id } } }
      xg_o: regions(filter: { parentCode: "431221000000" }) { xg_o: code rn: name }
    }`;
    const headers = await authHeaders("RURAL_REVITALIZATION");
    const data = await answeredAlike(query, headers);
    const [first] = (data.rn as { nodes: Record<string, unknown>[] }).nodes;
    expect(Object.keys(first!)).toEqual(["rn", "xg_o0", "j", "c", "a", "fetched", "households", "members"]);
  });
});
