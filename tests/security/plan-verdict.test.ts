import { readdirSync, readFileSync, statSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildSchema,
  parse,
  type GraphQLFormattedError,
  type GraphQLInputObjectType,
  type GraphQLSchema,
} from "graphql";
import { createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { compilePolicy } from "../../src/access/compile.js";
import { loadPolicyFile } from "../../src/access/policy.js";
import { argumentReads, READS, ReadsDeclarationError } from "../../src/access/reads.js";
import type { App } from "../../src/app.js";
import { buildApiSchema } from "../../src/build-schema.js";
import { documentRunner } from "../../src/executor.js";
import { assertPlanned, Planner, PlanRequiredError, sanction, type CheckedPlan } from "../../src/plan/planner.js";
import { authHeaders, createTestApp, request, testConfig } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { testServer } from "../helpers/server.js";

/**
 * An operation executes only through its plan, and the plan carries the policy's verdict. A
 * department that may not read members' schooling cannot ask about it by hiding the filter in a
 * variable, over any door into the server (HTTP POST and GET, a persisted query, federation's
 * `_entities`, a subscription, an export); the executor itself refuses a document no plan
 * sanctioned. What a filter reads is declared on the filter, and a filter field that declares
 * nothing stops the server at start-up instead of passing unchecked.
 */

/** A schema as type-graphql would print it, with the declarations a test gives (access/reads.ts). */
function schemaWith(declare: (schema: GraphQLSchema) => void): GraphQLSchema {
  const schema = buildSchema(`
    type Query { things(first: Int, after: String, filter: ThingFilter, orderBy: ThingOrder): [Thing!]! }
    type Mutation { recordThing(input: ThingFilter): Thing }
    type Thing { id: ID! name: String secret: String }
    input ThingFilter { name: String secret: String }
    enum ThingOrder { NAME SECRET }
  `);
  declare(schema);
  return schema;
}
const inputField = (schema: GraphQLSchema, name: string) =>
  (schema.getType("ThingFilter") as GraphQLInputObjectType).getFields()[name]!;
const things = (schema: GraphQLSchema) => schema.getQueryType()!.getFields().things!;
const declareAll = (schema: GraphQLSchema) => {
  Object.assign(inputField(schema, "name").extensions, { [READS]: ["name"] });
  Object.assign(inputField(schema, "secret").extensions, { [READS]: ["secret"] });
  Object.assign(things(schema).extensions, { [READS]: { orderBy: { NAME: ["name"], SECRET: ["secret"] } } });
};

describe("what a filter reads is declared on it", () => {
  it("derives each argument's fields from the declarations; page arguments and mutations need none", () => {
    const index = argumentReads(schemaWith(declareAll));
    const things = index.get("Query.things")!;
    expect(things.target.name).toBe("Thing");
    expect([...things.byArgument.keys()].sort()).toEqual(["filter", "orderBy"]);
    expect(index.has("Mutation.recordThing")).toBe(false);
  });

  it("does not start when a new filter field declares nothing, naming it", () => {
    const schema = schemaWith((s) => {
      declareAll(s);
      delete (inputField(s, "secret").extensions as Record<string, unknown>)[READS];
    });
    expect(() => argumentReads(schema)).toThrow(ReadsDeclarationError);
    expect(() => argumentReads(schema)).toThrow(/ThingFilter\.secret does not declare what it reads/);
  });

  it("does not start when a declaration names a field the type lacks, or an ordering value is not covered", () => {
    const unknownField = schemaWith((s) => {
      declareAll(s);
      Object.assign(inputField(s, "name").extensions, { [READS]: ["nickname"] });
    });
    expect(() => argumentReads(unknownField)).toThrow(/reads Thing\.nickname, which does not exist/);
    const uncovered = schemaWith((s) => {
      declareAll(s);
      Object.assign(things(s).extensions, { [READS]: { orderBy: { NAME: ["name"] } } });
    });
    expect(() => argumentReads(uncovered)).toThrow(/the value SECRET does not declare what it reads/);
  });

  it("finds a declaration for every argument of the API, ordering values included", async () => {
    const index = argumentReads(await buildApiSchema());
    const members = index.get("Query.members")!;
    const filter = members.byArgument.get("filter")!;
    expect(filter.kind === "input" && filter.byField.get("disabled")).toEqual(["disabilityType"]);
    const orderBy = members.byArgument.get("orderBy")!;
    expect(orderBy.kind === "enum" && orderBy.byValue.get("BIRTH_DATE")).toEqual(["birthDate"]);
  });

  it("derives the audited row types from the policy: a type marked personal is audited without a list to edit", async () => {
    const schema = await buildApiSchema();
    const file = loadPolicyFile(testConfig.POLICY_FILE);
    const types = compilePolicy(file, schema).personalRowTypes;
    for (const type of ["Member", "HouseholdIncome", "RiskAlert", "MonitoringCase"]) expect(types.has(type)).toBe(true);
    expect(types.has("Village")).toBe(false);
    const villageGroup = Object.values(file.groups).find((g) => g.fields.Village && g.fields.Village !== "*")!;
    villageGroup.personal = true;
    expect(compilePolicy(file, schema).personalRowTypes.has("Village")).toBe(true);
  });
});

describe("the executor runs nothing without its plan's verdict", () => {
  let schema: GraphQLSchema;
  let planner: Planner;
  const document = parse(`{ households(first: 1) { totalCount } }`);
  const contextOf = (department: string) => ({ access: { principal: { department } } });
  let plan: CheckedPlan;

  beforeAll(async () => {
    schema = await buildApiSchema();
    planner = new Planner(schema, compilePolicy(loadPolicyFile(testConfig.POLICY_FILE), schema));
    plan = await planner.checkedPlan(document, document, "EDUCATION", "households");
  });

  it("refuses a document when no plan was sanctioned for the request", async () => {
    const run = documentRunner(schema, "jit");
    await expect(run(document, "k", null, {}, contextOf("EDUCATION"))).rejects.toThrow(PlanRequiredError);
    await expect(documentRunner(schema, "graphql-js")(document, "k", null, {}, contextOf("EDUCATION"))).rejects.toThrow(
      PlanRequiredError,
    );
  });

  it("refuses a plan made for another department, a document that is not the plan's, and a look-alike plan", () => {
    const health = contextOf("HEALTH");
    sanction(health, plan);
    expect(() => assertPlanned(health, document)).toThrow(/another department's/);
    const education = contextOf("EDUCATION");
    sanction(education, plan);
    expect(() => assertPlanned(education, document)).not.toThrow();
    expect(() => assertPlanned(education, parse(`{ members(first: 1) { totalCount } }`))).toThrow(/not the plan's/);
    expect(() => sanction(contextOf("EDUCATION"), { ...plan })).toThrow(/not made by the planner/);
  });

  it("is the only place in the server that executes a document, guarded where it does", () => {
    const root = fileURLToPath(new URL("../../src", import.meta.url));
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
      });
    const executing =
      /import\s*\{[^}]*\b(execute|executeSync|subscribe|graphql|graphqlSync|compileQuery)\b[^}]*\}\s*from\s*"(graphql|graphql-jit)"/;
    const found = files(root)
      .filter((path) => executing.test(readFileSync(path, "utf8")))
      .map((path) => relative(root, path))
      .sort();
    // executor.ts: every query and mutation (HTTP POST, GET, batches, persisted queries, `_entities`,
    // exports); subscriptions.ts: graphql-ws; pipeline.ts: introspection, answered from the contract.
    expect(found).toEqual(["executor.ts", "operation/pipeline.ts", "subscriptions.ts"]);
    for (const guarded of ["executor.ts", "subscriptions.ts"]) {
      expect(readFileSync(join(root, guarded), "utf8")).toMatch(/assertPlanned\(/);
    }
    const pipeline = readFileSync(join(root, "operation/pipeline.ts"), "utf8");
    expect(pipeline).toMatch(/schema: contractOf\(/);
  });
});

describe("every door checks the plan's verdict, variables included", () => {
  let database: TestDatabase;
  let app: App;
  let server: Server;
  let origin: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    database = await openTestDatabase({ seed: false });
    app = await createTestApp(database);
    server = testServer(app.handle);
    app.serveSubscriptions(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 300_000);
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await app?.stop();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await database?.dispose();
  });

  const DROPOUTS = { schoolingStatus: ["DROPPED_OUT"] };
  const BY_VARIABLE = `query Dropouts($filter: MemberFilter) { members(first: 1, filter: $filter) { totalCount } }`;
  const codes = (errors: readonly GraphQLFormattedError[] | undefined) => (errors ?? []).map((e) => e.extensions?.code);

  it("refuses a filter in a variable as it refuses the same filter written in the document", async () => {
    const health = await authHeaders("HEALTH");
    const literal = await request(
      app,
      { query: `{ members(first: 1, filter: { schoolingStatus: [DROPPED_OUT] }) { totalCount } }` },
      health,
    );
    const variable = await request(app, { query: BY_VARIABLE, variables: { filter: DROPOUTS } }, health);
    const inner = await request(
      app,
      {
        query: `query($s: [SchoolingStatus!]) { members(first: 1, filter: { schoolingStatus: $s }) { totalCount } }`,
        variables: { s: ["DROPPED_OUT"] },
      },
      health,
    );
    for (const answer of [literal, variable, inner]) {
      expect(codes(answer.errors)).toEqual(["FORBIDDEN"]);
      expect(answer.errors![0]!.message).toBe(literal.errors![0]!.message);
      expect(answer.data ?? null).toBeNull();
    }
    // The same plan serves other values of the variable: a filter the department may read passes.
    const allowed = await request(app, { query: BY_VARIABLE, variables: { filter: { gender: "FEMALE" } } }, health);
    expect(allowed.errors).toBeUndefined();
    // An ordering in a variable, as the public would send it.
    const ordering = await request(
      app,
      {
        query: `query($o: HouseholdOrder) { households(first: 1, orderBy: $o) { totalCount } }`,
        variables: { o: "HOUSEHOLD_NUMBER" },
      },
      {},
    );
    expect(codes(ordering.errors)).toEqual(["FORBIDDEN"]);
    expect(ordering.errors![0]!.message).toMatch(/^Ordering by HOUSEHOLD_NUMBER is not available to PUBLIC/);
  });

  it("refuses it over GET and as a persisted query", async () => {
    const health = await authHeaders("HEALTH");
    const search = new URLSearchParams({ query: BY_VARIABLE, variables: JSON.stringify({ filter: DROPOUTS }) });
    const byGet = await fetch(`${origin}/graphql?${search}`, {
      headers: { ...health, "apollo-require-preflight": "true" },
    });
    expect(codes(((await byGet.json()) as { errors?: GraphQLFormattedError[] }).errors)).toEqual(["FORBIDDEN"]);

    const { createHash } = await import("node:crypto");
    const extensions = {
      persistedQuery: { version: 1, sha256Hash: createHash("sha256").update(BY_VARIABLE).digest("hex") },
    };
    const send = (body: object) =>
      fetch(`${origin}/graphql`, {
        method: "POST",
        headers: { ...health, "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<{ errors?: GraphQLFormattedError[] }>);
    // Registered with a harmless value, then sent by hash alone with the refused one.
    expect(
      (await send({ query: BY_VARIABLE, variables: { filter: { gender: "MALE" } }, extensions })).errors,
    ).toBeUndefined();
    const byHash = await send({ variables: { filter: DROPOUTS }, extensions });
    expect(codes(byHash.errors)).toEqual(["FORBIDDEN"]);
  });

  it("refuses it below federation's _entities", async () => {
    const education = await authHeaders("EDUCATION");
    const answer = await request(
      app,
      {
        query: `query($r: [_Any!]!, $f: HouseholdFilter) { _entities(representations: $r) { ... on Village { households(filter: $f) { totalCount } } } }`,
        variables: {
          r: [{ __typename: "Village", id: Buffer.from("Village:431202001001").toString("base64url") }],
          f: { housingGrade: ["D"] },
        },
      },
      education,
    );
    expect(codes(answer.errors)).toEqual(["FORBIDDEN"]);
    expect(answer.errors![0]!.message).toMatch(/Filtering by `filter\.housingGrade`/);
  });

  it("refuses it in an export", async () => {
    const health = await authHeaders("HEALTH");
    const response = await fetch(`${origin}/export`, {
      method: "POST",
      headers: { ...health, "content-type": "application/json" },
      body: JSON.stringify({
        query: `query($filter: MemberFilter) { members(filter: $filter) { nodes { id } } }`,
        variables: { filter: DROPOUTS },
      }),
    });
    const text = await response.text();
    expect(response.status, text).toBe(403);
    expect(text).toMatch(/FORBIDDEN/);
  });

  it("refuses a subscription the verdict refuses, as the same selection over HTTP", async () => {
    // Household incomes are served only with a declared purpose: none is declared here.
    const headers = { authorization: (await authHeaders("RURAL_REVITALIZATION")).authorization! };
    const selection = `household { incomes { wages } }`;
    const overHttp = await request(app, { query: `{ alerts(first: 1) { nodes { ${selection} } } }` }, headers);
    expect(codes(overHttp.errors)).toEqual(["FORBIDDEN"]);
    const client = createClient({
      url: `${origin.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: headers,
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(client);
    const errors = await new Promise<GraphQLFormattedError[]>((resolve) => {
      client.subscribe(
        { query: `subscription { alertRaised { ${selection} } }` },
        {
          next: (result) => result.errors && resolve([...result.errors]),
          error: (error) => resolve(Array.isArray(error) ? (error as GraphQLFormattedError[]) : []),
          complete: () => resolve([]),
        },
      );
    });
    expect(codes(errors)).toEqual(["FORBIDDEN"]);
    expect(errors[0]!.message).toBe(overHttp.errors![0]!.message);
  });
});
