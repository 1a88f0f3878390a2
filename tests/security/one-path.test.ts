import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import {
  isEnumType,
  isInputObjectType,
  isObjectType,
  isInterfaceType,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from "graphql";
import { createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { App } from "../../src/app.js";
import { authHeaders, createTestApp, request } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { testServer } from "../helpers/server.js";

/**
 * No second path around the policy. An attacker mixes introspection into a document, names the
 * operation to run, hides a filter in a variable's default, probes for fields outside its
 * contract and reads the suggestions: each department must get exactly what the same question
 * asked plainly gets — refused, and audited, the same way.
 */

/** Questions each department might be refused: the three cases and one everyone may ask. */
const PROBES: Record<string, string> = {
  dropouts: `members(first: 3, filter: { schoolingStatus: [DROPPED_OUT] }) { totalCount nodes { name household { address } } }`,
  housingGrade: `households(filter: { housingGrade: [D] }) { totalCount }`,
  incomes: `households(first: 2) { nodes { id incomes { year wages } } }`,
  regions: `regions(filter: { level: COUNTY }) { code name }`,
};

/** Every name a contract may show: types, fields, arguments, input fields and enum values. */
function contractNames(schema: GraphQLSchema): Set<string> {
  const names = new Set<string>(["_entities", "_service", "_Any", "_Entity", "_Service", "sdl", "representations"]);
  for (const type of Object.values(schema.getTypeMap())) {
    names.add(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        names.add(field.name);
        for (const arg of field.args) names.add(arg.name);
      }
    }
    if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) names.add(field.name);
    if (isEnumType(type)) for (const value of type.getValues()) names.add(value.name);
  }
  for (const directive of schema.getDirectives()) {
    names.add(directive.name);
    for (const arg of directive.args) names.add(arg.name);
  }
  return names;
}

const codes = (errors: readonly GraphQLFormattedError[] | undefined) => (errors ?? []).map((e) => e.extensions?.code);

describe("one path for every operation", () => {
  let database: TestDatabase;
  let app: App;
  let departments: string[];
  let server: Server;
  let url: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await createTestApp(database);
    departments = app.policy.departments;
    server = testServer(app.handle);
    app.serveSubscriptions(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  }, 300_000);
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await app?.stop();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await database?.dispose();
  });

  const auditCount = async () =>
    (await database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log`))[0]!.n;

  async function headersOf(department: string, purpose = true): Promise<Record<string, string>> {
    if (department === "PUBLIC") return {};
    // A department scoped to one village (regionLevels) is asked with a village's code.
    const village = app.policy.forDepartment(department)?.regionDigits === 12;
    const headers = await authHeaders(department, village ? "431221001001" : "431221");
    if (!purpose) delete headers["x-purpose"];
    return headers;
  }

  /** The answer and the audit entries written for one request. */
  async function asked(
    body: { query: string; operationName?: string; variables?: Record<string, unknown> },
    headers: Record<string, string>,
  ) {
    const before = await auditCount();
    const response = await request<Record<string, unknown>>(app, body, headers);
    return { response, audited: (await auditCount()) - before };
  }

  it(
    "answers a document with introspection beside the question exactly as the question alone, for every department",
    { timeout: 900_000 },
    async () => {
      for (const department of departments) {
        for (const purpose of [true, false]) {
          const headers = await headersOf(department, purpose);
          for (const [name, probe] of Object.entries(PROBES)) {
            const plain = await asked({ query: `query B { ${probe} }` }, headers);
            const mixed = await asked(
              { query: `query A { __type(name: "Query") { name } } query B { ${probe} }`, operationName: "B" },
              headers,
            );
            const inOne = await asked({ query: `query B { __schema { queryType { name } } ${probe} }` }, headers);
            const label = `${department} ${name} purpose=${purpose}`;
            expect(mixed.response.status, label).toBe(plain.response.status);
            expect(mixed.response.data, label).toEqual(plain.response.data);
            expect(codes(mixed.response.errors), label).toEqual(codes(plain.response.errors));
            expect(mixed.audited, label).toBe(plain.audited);
            // Introspection in the same operation: its answer added, the rest checked and audited alike.
            expect(codes(inOne.response.errors), label).toEqual(codes(plain.response.errors));
            expect(inOne.audited, label).toBe(plain.audited);
            if (plain.response.data) {
              expect(inOne.response.data, label).toEqual({
                __schema: { queryType: { name: "Query" } },
                ...plain.response.data,
              });
            }
          }
        }
      }
    },
  );

  it("refuses the issue's three documents and writes no entry for them", async () => {
    const health = await asked(
      {
        query: `query A { __type(name: "Query") { name } } query B { ${PROBES.dropouts} }`,
        operationName: "B",
      },
      await headersOf("HEALTH"),
    );
    expect(codes(health.response.errors)).toEqual(["FORBIDDEN"]);
    expect(health.response.data ?? null).toBeNull();
    expect(health.audited).toBe(0);

    const pub = await asked({ query: `{ __schema { types { name } } ${PROBES.housingGrade} }` }, {});
    expect(codes(pub.response.errors)).toEqual(["FORBIDDEN"]);
    expect(pub.response.data ?? null).toBeNull();

    const civil = await asked(
      { query: `{ __type(name: "HouseholdIncome") { name } ${PROBES.incomes} }` },
      await headersOf("CIVIL_AFFAIRS", false),
    );
    expect(codes(civil.response.errors)).toEqual(["FORBIDDEN"]);
    expect(civil.response.data ?? null).toBeNull();
    expect(civil.audited).toBe(0);

    // The same incomes with a purpose: served, and audited once.
    const declared = await asked(
      { query: `{ __type(name: "HouseholdIncome") { name } ${PROBES.incomes} }` },
      await headersOf("CIVIL_AFFAIRS"),
    );
    expect(declared.response.errors).toBeUndefined();
    expect(declared.audited).toBe(1);
  });

  it("answers introspection from the department's contract, even beside other fields", async () => {
    for (const department of departments) {
      const contract = app.contracts.get(department)!;
      // Beside it, a question the department may ask: the regions, or for a village applicant (whose
      // contract holds only the cases it files) its cases.
      const [key, question] = contract.getQueryType()?.getFields().regions
        ? ["regions", PROBES.regions]
        : ["monitoringCases", `monitoringCases(first: 1) { totalCount }`];
      const { data, errors } = await request<{ __schema: { types: { name: string }[] } } & Record<string, unknown>>(
        app,
        { query: `{ __schema { types { name } } ${question} }` },
        await headersOf(department),
      );
      expect(errors, `${department}: ${JSON.stringify(errors)}`).toBeUndefined();
      expect(data!.__schema.types.map((t) => t.name).sort(), department).toEqual(
        Object.keys(contract.getTypeMap()).sort(),
      );
      expect(Object.keys(data!), department).toEqual(["__schema", key]);
      const member = await request<{ __type: { fields: { name: string }[] } | null }>(
        app,
        { query: `{ __type(name: "Member") { fields { name } } }` },
        await headersOf(department),
      );
      const own = contract.getType("Member");
      expect(member.data!.__type?.fields.map((f) => f.name).sort() ?? null, department).toEqual(
        isObjectType(own) ? Object.keys(own.getFields()).sort() : null,
      );
    }
  });

  it("answers a field outside the contract exactly as a field that does not exist", async () => {
    const health = await headersOf("HEALTH");
    const hidden = await request(app, { query: `{ members(first: 1) { nodes { schoolingStatus } } }` }, health);
    const missing = await request(app, { query: `{ members(first: 1) { nodes { nonsenseField } } }` }, health);
    expect(hidden.status).toBe(missing.status);
    expect(codes(hidden.errors)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(codes(missing.errors)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(hidden.errors![0]!.message).toMatch(/^Cannot query field "schoolingStatus" on type "Member"\./);
    expect(missing.errors![0]!.message).toMatch(/^Cannot query field "nonsenseField" on type "Member"\./);
  });

  it(
    "never names a type, field, argument or enum value outside the contract in an error",
    { timeout: 600_000 },
    async () => {
      for (const department of departments) {
        const contract = app.contracts.get(department)!;
        const allowed = contractNames(contract);
        // Probes written from the full schema: near-misses of every hidden field and type, which
        // "Did you mean" would otherwise complete.
        const probes: string[] = [];
        const fragments: string[] = [];
        for (const type of Object.values(app.schema.getTypeMap())) {
          if (!isObjectType(type) || type.name.startsWith("_") || type.name.startsWith("link__")) continue;
          const own = contract.getType(type.name);
          if (!isObjectType(own)) {
            fragments.push(`fragment T${type.name} on ${type.name.slice(0, -1)} { id }`);
            continue;
          }
          for (const field of Object.keys(type.getFields())) {
            if (own.getFields()[field] || field.startsWith("_")) continue;
            fragments.push(`fragment F${type.name}_${field} on ${type.name} { ${field.slice(0, -1)} }`);
            fragments.push(`fragment G${type.name}_${field} on ${type.name} { ${field} }`);
          }
        }
        probes.push(`query { __typename } ${fragments.join("\n")}`);
        probes.push(`{ households(first: 1, filter: { housingGrad: [D] }) { totalCount } }`);
        probes.push(`{ households(first: 1, orderBy: IDENTIFIED_YEA) { totalCount } }`);
        probes.push(`{ members(first: 1, filter: { schoolingStatu: [DROPPED_OUT] }) { totalCount } }`);
        probes.push(`query($f: MemberFilte) { members(filter: $f) { totalCount } }`);
        probes.push(`{ household(id: "x") { incomesx } }`);
        probes.push(`{ node(id: "x") { ... on HouseholdIncom { year } ... on Membe { id } } }`);
        probes.push(`{ __type(name: "Member") { name } alerts { nodes { trigge } } }`);
        probes.push(`subscription { alertRaise { id } }`);
        probes.push(`mutation { recordSchoolin(input: {}) { ok } }`);
        const variableProbes: [string, Record<string, unknown>][] = [
          [
            `query($s: [SchoolingStatus!]) { members(filter: { schoolingStatus: $s }) { totalCount } }`,
            { s: ["DROPED_OUT"] },
          ],
          [`query($f: HouseholdFilter) { households(filter: $f) { totalCount } }`, { f: { housingGrad: ["D"] } }],
          [`query($o: HouseholdOrder) { households(orderBy: $o) { totalCount } }`, { o: "IDENTIFIED_YEA" }],
        ];
        const answers = [
          ...(await Promise.all(
            probes.map(async (query) => ({
              query,
              response: await request(app, { query }, await headersOf(department)),
            })),
          )),
          ...(await Promise.all(
            variableProbes.map(async ([query, variables]) => ({
              query: `${query} ${JSON.stringify(variables)}`,
              response: await request(app, { query, variables }, await headersOf(department)),
            })),
          )),
        ];
        for (const { query, response } of answers) {
          expect(response.errors?.length, `${department}: ${query.slice(0, 80)}`).toBeGreaterThan(0);
          for (const error of response.errors!) {
            expect(error.extensions?.code).not.toBe("INTERNAL_SERVER_ERROR");
            for (const [, quoted] of error.message.matchAll(/"([^"]*)"/g)) {
              const name = quoted!.replace(/^\$/, "").replace(/[[\]!]/g, "");
              // A name the client wrote itself is its own; anything else must be in its contract.
              if (!name || query.includes(name) || /^\d/.test(name)) continue;
              expect(allowed.has(name), `${department} was told "${name}": ${error.message}`).toBe(true);
            }
          }
        }
      }
    },
  );

  it("coerces variables before the policy reads them: a misspelt enum is BAD_USER_INPUT, a default is checked", async () => {
    const health = await headersOf("HEALTH");
    const query = `query($s: [SchoolingStatus!]) { members(first: 1, filter: { schoolingStatus: $s }) { totalCount } }`;
    const misspelt = await request(app, { query, variables: { s: ["DROPED_OUT"] } }, health);
    expect(codes(misspelt.errors)).toEqual(["BAD_USER_INPUT"]);
    expect(misspelt.errors![0]!.extensions?.argumentPath).toEqual(["$s", 0]);
    const right = await request(app, { query, variables: { s: ["DROPPED_OUT"] } }, health);
    expect(codes(right.errors)).toEqual(["FORBIDDEN"]);
    expect(right.errors![0]!.extensions?.argumentPath).toEqual(["members", "filter", "schoolingStatus"]);
    // A filter hidden in a variable's default is read like any other.
    const defaulted = await request(
      app,
      {
        query: `query($s: [SchoolingStatus!] = [DROPPED_OUT]) { members(first: 1, filter: { schoolingStatus: $s }) { totalCount } }`,
      },
      health,
    );
    expect(codes(defaulted.errors)).toEqual(["FORBIDDEN"]);
    const wholeFilter = await request(
      app,
      {
        query: `query($f: MemberFilter = { schoolingStatus: [DROPPED_OUT] }) { members(first: 1, filter: $f) { totalCount } }`,
      },
      health,
    );
    expect(codes(wholeFilter.errors)).toEqual(["FORBIDDEN"]);
    // A string where an Int belongs: BAD_USER_INPUT at its variable.
    const typed = await request(
      app,
      { query: `query($n: Int) { households(first: $n) { totalCount } }`, variables: { n: "many" } },
      health,
    );
    expect(codes(typed.errors)).toEqual(["BAD_USER_INPUT"]);
    expect(typed.errors![0]!.extensions?.argumentPath).toEqual(["$n"]);
  });

  it("checks fragments, aliases, node and _entities on the same path", async () => {
    const health = await headersOf("HEALTH");
    const viaFragment = await request(
      app,
      {
        query: `query { ...Q } fragment Q on Query { kids: members(first: 1, filter: { schoolingStatus: [DROPPED_OUT] }) { totalCount } }`,
      },
      health,
    );
    expect(codes(viaFragment.errors)).toEqual(["FORBIDDEN"]);
    expect(viaFragment.errors![0]!.extensions?.argumentPath).toEqual(["kids", "filter", "schoolingStatus"]);
    const page = await request<{ households: { nodes: { id: string }[] } }>(app, {
      query: `{ households(first: 1) { nodes { id } } }`,
    });
    const id = page.data!.households.nodes[0]!.id;
    const viaNode = await request(app, { query: `{ node(id: "${id}") { ... on Household { housingGrade } } }` }, {});
    expect(codes(viaNode.errors)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    const viaEntities = await request(
      app,
      {
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Household { incomes { wages } } } }`,
        variables: { r: [{ __typename: "Household", id }] },
      },
      await headersOf("CIVIL_AFFAIRS", false),
    );
    expect(codes(viaEntities.errors)).toEqual(["FORBIDDEN"]);
    // The subgraph SDL names every field: only a department that sees them all may ask for it.
    const service = await request(app, { query: `{ _service { sdl } }` }, {});
    expect(codes(service.errors)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
  });

  /** The errors a subscription is refused with (it is refused at once, or the test times out). */
  async function refusal(department: string, query: string, variables?: Record<string, unknown>) {
    // A department scoped to one village (regionLevels) is asked with a village's code.
    const village = app.policy.forDepartment(department)?.regionDigits === 12;
    const headers = await authHeaders(department, village ? "431221001001" : "431221");
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: headers,
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(client);
    return new Promise<GraphQLFormattedError[]>((resolve) => {
      client.subscribe(
        { query, variables },
        {
          next: (result) => result.errors && resolve([...result.errors]),
          error: (error) => resolve((Array.isArray(error) ? error : [error]) as GraphQLFormattedError[]),
          complete: () => resolve([]),
        },
      );
    });
  }

  it("serves subscriptions on the same path: the contract's validation, variables, input checks", async () => {
    const contract = app.contracts.get("HOUSING")!;
    const allowed = contractNames(contract);
    const hidden = await refusal("HOUSING", `subscription { alertRaised { member { medicalExpenseOutOfPocke } } }`);
    expect(codes(hidden)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    for (const [, name] of hidden[0]!.message.matchAll(/"([^"]*)"/g)) {
      if (name !== "medicalExpenseOutOfPocke") expect(allowed.has(name!), name).toBe(true);
    }
    const badVariable = await refusal(
      "RURAL_REVITALIZATION",
      `subscription($r: String) { alertRaised(regionCode: $r) { id } }`,
      { r: "4312\u000021" },
    );
    expect(codes(badVariable)).toEqual(["BAD_USER_INPUT"]);
    expect(badVariable[0]!.extensions?.argumentPath).toEqual(["alertRaised", "regionCode"]);
    const mixed = await refusal("RURAL_REVITALIZATION", `query { __schema { queryType { name } } }`);
    expect(codes(mixed)).toEqual(["BAD_REQUEST"]);
  });
});
