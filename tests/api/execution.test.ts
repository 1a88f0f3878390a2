import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "../helpers/app.js";
import { toGlobalId } from "../../src/shared/global-id.js";
import type { App } from "../../src/app.js";
import { loadExamples } from "../helpers/examples.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";

/** The compiled executor must give exactly what graphql-js gives, for every example operation. */
describe("compiled execution", () => {
  let database: TestDatabase;
  let jit: App;
  let reference: App;

  beforeAll(async () => {
    database = await openTestDatabase();
    jit = await createTestApp(database, { execution: "jit" });
    reference = await createTestApp(database, { execution: "graphql-js" });
  });
  afterAll(async () => {
    await jit?.stop();
    await reference?.stop();
    await database?.dispose();
  });

  for (const { name, query } of loadExamples().filter((e) => e.kind === "query")) {
    it(`answers ${name} exactly as graphql-js does`, async () => {
      const compiled = await jit.graphql({ query });
      const plain = await reference.graphql({ query });
      expect(compiled.body.errors).toBeUndefined();
      expect(JSON.stringify(compiled.body)).toBe(JSON.stringify(plain.body));
      // A second run hits the compiled-query cache and must not change the answer.
      expect(JSON.stringify((await jit.graphql({ query })).body)).toBe(JSON.stringify(plain.body));
    });
  }

  it("runs the resolvers as written: no Apollo plugin wraps each field", async () => {
    const resolvers = () =>
      Object.values(jit.schema.getTypeMap()).flatMap((type) =>
        "getFields" in type && !type.name.startsWith("__")
          ? Object.values(type.getFields()).map((field) => ("resolve" in field ? field.resolve : undefined))
          : [],
      );
    const before = resolvers();
    expect((await jit.graphql({ query: "{ villages(first: 2) { nodes { name } } }" })).body.errors).toBeUndefined();
    const after = resolvers();
    expect(after.filter((resolve, i) => resolve !== before[i])).toEqual([]);
  });

  it("reports errors the same way", async () => {
    // A well-formed id of another type passes the input checks and is refused by the resolver.
    const query = `{ households(first: 100000) { nodes { id } } household(id: "${toGlobalId("Member", 1)}") { id } }`;
    const compiled = await jit.graphql({ query });
    const plain = await reference.graphql({ query });
    expect(compiled.body).toEqual(plain.body);
    expect(compiled.body.errors?.map((e) => e.extensions?.code)).toEqual(["BAD_USER_INPUT", "BAD_USER_INPUT"]);
  });
});
