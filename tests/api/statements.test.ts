import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, request } from "../helpers/app.js";
import type { App } from "../../src/app.js";
import { example } from "../helpers/examples.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";

/**
 * Statements per request are bounded by the depth of the query, never by the number of rows. On
 * the compiled read path (the default) a root field is one statement whatever its nesting; on the
 * resolvers (the reference path) every relation goes through a per-request DataLoader that batches
 * one level into one statement.
 */
describe("statements per request", () => {
  let database: TestDatabase;
  let app: App;
  let reference: App;

  beforeAll(async () => {
    database = await openTestDatabase({ recordSql: true });
    app = await createTestApp(database);
    reference = await createTestApp(database, { readPath: "resolvers" });
  });
  afterAll(async () => {
    await app?.stop();
    await reference?.stop();
    await database?.dispose();
  });

  async function statementsFor(first: number, on: App = reference) {
    const before = database.statements.count;
    const logBefore = database.statements.log!.length;
    const body = await request<{ households: { nodes: unknown[] } }>(on, {
      query: example("household-relations"),
      variables: { first },
    });
    expect(body.errors).toBeUndefined();
    const nodes = body.data!.households.nodes;
    expect(nodes).toHaveLength(first);
    return { count: database.statements.count - before, sql: database.statements.log!.slice(logBefore) };
  }

  it("issues one statement per level for households with members, village, township, helper, agency and projects", async () => {
    const small = await statementsFor(20);
    const medium = await statementsFor(200);
    const large = await statementsFor(1000);
    // households, members, village, township, helper, helper's agency, projects
    expect(medium.count).toBe(7);
    expect(small.count).toBe(medium.count);
    expect(large.count).toBe(medium.count);
    // No count(*) unless totalCount is asked for.
    expect(medium.sql.some((s) => /count\(/i.test(s))).toBe(false);
  });

  it("answers the same households, members, village, township, helper, agency and projects in one statement on the compiled path", async () => {
    for (const first of [20, 200, 1000]) {
      const compiled = await statementsFor(first, app);
      expect(compiled.count).toBe(1);
      // No count of the whole list (totalCount) unless asked for.
      expect(compiled.sql.some((s) => /count\(\*\)::int FROM/i.test(s))).toBe(false);
    }
  });

  it("counts only when totalCount is selected", async () => {
    const before = database.statements.count;
    await reference.graphql({ query: `{ households(first: 5) { nodes { id } } }` });
    const without = database.statements.count - before;
    const mid = database.statements.count;
    await reference.graphql({ query: `{ households(first: 5) { totalCount nodes { id } } }` });
    expect(database.statements.count - mid).toBe(without + 1);
  });

  it("counts inside the page's own statement on the compiled path", async () => {
    const logged = database.statements.log!.length;
    const before = database.statements.count;
    await app.graphql({ query: `{ households(first: 5) { nodes { id } } }` });
    expect(database.statements.count - before).toBe(1);
    expect(database.statements.log!.slice(logged).some((s) => /count\(\*\)::int FROM/.test(s))).toBe(false);
    const mid = database.statements.count;
    const withCount = database.statements.log!.length;
    await app.graphql({ query: `{ households(first: 5) { totalCount nodes { id } } }` });
    expect(database.statements.count - mid).toBe(1);
    expect(database.statements.log!.slice(withCount).some((s) => /count\(\*\)::int FROM/.test(s))).toBe(true);
  });
});
