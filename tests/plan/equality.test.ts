import { sql } from "drizzle-orm";
import type { GraphQLFormattedError } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App, AppOptions, GraphQLBody } from "../../src/app.js";
import { loadPolicyFile } from "../../src/access/policy.js";
import { authHeaders, createTestApp, testConfig } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { loadExamples } from "../helpers/examples.js";
import { operationGenerator, Pools, seedOf, type GeneratedOperation } from "../helpers/operations.js";

/**
 * Same answers, whichever way a read runs. Two apps over one seeded database, one executing reads
 * by their compiled plans and one by the field resolvers kept as the reference, are sent the same
 * operations by the same principals — every example of schema/examples/ and a few hundred operations
 * drawn at random from each department's contract (tests/helpers/operations.ts) — and must give the
 * same data, the same errors (message, path, code) and write the same audit entries.
 *
 * EQUALITY_OPERATIONS sets the operations drawn per principal (default 30), EQUALITY_SEED the seed
 * (default 20261201); a failure names both, and the operation, so that it can be drawn again.
 */

const SEED = Number(process.env.EQUALITY_SEED ?? 20261201);
const PER_PRINCIPAL = Number(process.env.EQUALITY_OPERATIONS ?? 30);
/** A seeded database and hundreds of operations take minutes on a loaded machine: no step is timed. */
const LONG = 900_000;

interface Principal {
  name: string;
  department: string;
  headers: () => Promise<Record<string, string>>;
}

interface Answer {
  status: number;
  data: unknown;
  errors: { message: string; path: readonly (string | number)[] | null; code: unknown }[];
  audit: Record<string, unknown>[];
}

/** Errors as compared: message, path and code, in a stable order (the server's request id taken out). */
export function comparableErrors(errors: readonly GraphQLFormattedError[] | undefined): Answer["errors"] {
  return (errors ?? [])
    .map((e) => ({
      message: e.message.replace(/\(request [^)]*\)/, "(request …)"),
      path: e.path ?? null,
      code: e.extensions?.code,
    }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** The audit entries written since entry `after`, without what differs by nature (ids, times, the chain, request ids). */
async function auditSince(database: TestDatabase, after: number) {
  return database.rows<Record<string, unknown>>(
    sql`SELECT principal, department, region, operation_name, document_hash, fields, record_count,
               household_ids, purpose, purpose_text, correlation_id
          FROM audit_log WHERE id > ${after} ORDER BY id`,
  );
}

async function lastAuditId(database: TestDatabase): Promise<number> {
  const [row] = await database.rows<{ id: number | null }>(sql`SELECT max(id)::int AS id FROM audit_log`);
  return row?.id ?? 0;
}

/** Sends one operation to an app and collects what is compared: status, data, errors and audit entries. */
async function answer(database: TestDatabase, app: App, body: GraphQLBody, headers: Record<string, string>) {
  const before = await lastAuditId(database);
  const response = await app.graphql(body, headers);
  return {
    status: response.status,
    data: response.body.data,
    errors: comparableErrors(response.body.errors),
    audit: await auditSince(database, before),
  } satisfies Answer;
}

function describeOperation(principal: Principal, op: Pick<GeneratedOperation, "query" | "variables">, note: string) {
  return `${note} (principal ${principal.name})\n${op.query}\nvariables: ${JSON.stringify(op.variables)}`;
}

describe("compiled plans answer as the field resolvers do", () => {
  let database: TestDatabase;
  let plan: App;
  let reference: App;
  const principals: Principal[] = [];
  let regionCodes: string[] = [];
  const summary = new Map<
    string,
    { operations: number; withErrors: number; broken: number; audited: number; cursors: number }
  >();
  const codes = new Map<string, number>();

  const apps = (readPath: AppOptions["readPath"]) => createTestApp(database, { readPath });

  beforeAll(async () => {
    database = await openTestDatabase();
    reference = await apps("resolvers");
    plan = await apps("plan");
    const villages = await database.rows<{ code: string }>(sql`SELECT code FROM villages ORDER BY code`);
    const regions = await database.rows<{ code: string }>(sql`SELECT code FROM regions ORDER BY code`);
    const county = regions.map((r) => r.code).find((c) => c.startsWith("431221")) ?? "431221000000";
    const village = villages.find((v) => v.code.startsWith("431221"))?.code ?? villages[0]!.code;
    regionCodes = [
      "43",
      "4312",
      "431221",
      "431202",
      "431221100",
      "999999",
      ...regions.map((r) => r.code.trim()).filter((_, i) => i % 3 === 0),
      ...villages.map((v) => v.code).filter((_, i) => i % 7 === 0),
    ];
    const departments = Object.keys(loadPolicyFile(testConfig.POLICY_FILE).departments);
    for (const department of departments) {
      if (department === "PUBLIC") principals.push({ name: "PUBLIC", department, headers: async () => ({}) });
      else if (department === "VILLAGE_APPLICANT") {
        principals.push({
          name: `VILLAGE_APPLICANT@${village}`,
          department,
          headers: () => authHeaders(department, village),
        });
      } else principals.push({ name: department, department, headers: () => authHeaders(department) });
    }
    // A county-scoped officer: the region predicate in every statement.
    principals.push({
      name: "RURAL_REVITALIZATION@431221",
      department: "RURAL_REVITALIZATION",
      headers: () => authHeaders("RURAL_REVITALIZATION", county.slice(0, 6)),
    });
  }, LONG);

  afterAll(async () => {
    await plan?.stop();
    await reference?.stop();
    await database?.dispose();
    if (summary.size) {
      const lines = [...summary].map(
        ([name, s]) =>
          `  ${name.padEnd(36)} ${String(s.operations).padStart(5)} operations, ${String(s.withErrors).padStart(4)} with errors (${s.broken} broken on purpose), ${s.audited} audited, ${s.cursors} with a cursor`,
      );
      const total = [...summary.values()].reduce(
        (t, s) => ({ operations: t.operations + s.operations, withErrors: t.withErrors + s.withErrors }),
        { operations: 0, withErrors: 0 },
      );
      console.log(
        `equality (seed ${SEED}, ${PER_PRINCIPAL} generated per principal):\n${lines.join("\n")}\n  total ${total.operations} operations, ${total.withErrors} with errors\n  operations by error code: ${[
          ...codes,
        ]
          .sort((a, b) => b[1] - a[1])
          .map(([c, n]) => `${c} ${n}`)
          .join(", ")}`,
      );
    }
  }, LONG);

  /** Runs one operation on both paths and requires the same answer. Returns the reference answer. */
  const same = async (principal: Principal, body: GraphQLBody, note: string, broken = false) => {
    const headers = { ...(await principal.headers()), "x-request-id": "equality" };
    const expected = await answer(database, reference, body, headers);
    const actual = await answer(database, plan, body, headers);
    expect(actual, describeOperation(principal, { query: body.query, variables: body.variables ?? {} }, note)).toEqual(
      expected,
    );
    const s = summary.get(principal.name) ?? { operations: 0, withErrors: 0, broken: 0, audited: 0, cursors: 0 };
    s.operations += 1;
    if (expected.errors.length) s.withErrors += 1;
    if (process.env.EQUALITY_DEBUG && expected.errors.length)
      console.log(
        broken,
        expected.errors
          .map((e) => e.message)
          .join(" / ")
          .slice(0, 300),
      );
    for (const code of new Set(expected.errors.map((e) => String(e.code)))) codes.set(code, (codes.get(code) ?? 0) + 1);
    if (broken) s.broken += 1;
    if (/\b(after|before): ("|\$v)/.test(body.query)) {
      s.cursors += 1;
    }
    if (expected.audit.length) s.audited += 1;
    summary.set(principal.name, s);
    return expected;
  };

  it(
    "answers every example mutation alike, each path writing to its own copy of the same data",
    async () => {
      // A write applies once: the plan path writes to a second database seeded alike, in the same order.
      const copy = await openTestDatabase();
      const planOnCopy = await createTestApp(copy, { readPath: "plan" });
      try {
        const mutations = loadExamples().filter((e) => e.kind === "mutation");
        expect(mutations.length).toBeGreaterThan(0);
        for (const example of mutations) {
          const principal = principals.find((p) => p.name === example.department)!;
          const headers = { ...(await principal.headers()), "x-request-id": "equality" };
          const expected = await answer(database, reference, { query: example.query }, headers);
          const actual = await answer(copy, planOnCopy, { query: example.query }, headers);
          expect(actual, describeOperation(principal, { query: example.query, variables: {} }, example.name)).toEqual(
            expected,
          );
          // The example applies (a refused write would compare nothing of what a write returns).
          expect(expected.errors, example.name).toEqual([]);
        }
      } finally {
        await planOnCopy.stop();
        await copy.dispose();
      }
    },
    LONG,
  );

  it(
    "answers every example query alike for every principal, errors included",
    async () => {
      const queries = loadExamples().filter((e) => e.kind === "query");
      expect(queries.length).toBeGreaterThan(0);
      for (const principal of principals) {
        for (const example of queries) await same(principal, { query: example.query }, `example ${example.name}`);
      }
    },
    LONG,
  );

  it("draws operations that mostly run, and some that fail on purpose", () => {
    const contract = reference.contracts.get("RURAL_REVITALIZATION")!;
    const generator = operationGenerator({ seed: SEED, contract, schema: reference.schema, regionCodes, budget: 1e6 });
    const drawn = Array.from({ length: 200 }, () => generator.next());
    const again = operationGenerator({ seed: SEED, contract, schema: reference.schema, regionCodes, budget: 1e6 });
    // The same seed draws the same operations: a failure can be drawn again from its seed.
    expect(Array.from({ length: 200 }, () => again.next().query)).toEqual(drawn.map((d) => d.query));
    const text = drawn.map((d) => d.query).join("\n");
    // (Cursors come from answers: the generated runs below count the operations that pass one.)
    for (const feature of ["fragment F", "... on ", "orderBy:", "filter:", "$v1", "totalCount", "edges"]) {
      expect(text, feature).toContain(feature);
    }
    expect(drawn.filter((d) => d.broken).length).toBeGreaterThan(5);
    expect(drawn.filter((d) => d.broken).length).toBeLessThan(60);
  });

  describe.each([
    "PUBLIC",
    "VILLAGE_APPLICANT",
    "RURAL_REVITALIZATION@431221",
    "EDUCATION",
    "HEALTH",
    "HOUSING",
    "TRANSPORT",
    "CIVIL_AFFAIRS",
    "WATER_RESOURCES",
    "HUMAN_RESOURCES",
    "MEDICAL_INSURANCE",
    "DISABLED_PERSONS_FEDERATION",
    "RURAL_REVITALIZATION",
  ])("generated operations for %s", (name) => {
    it(
      `answers ${PER_PRINCIPAL} operations drawn from the contract alike on both paths`,
      async () => {
        const principal = principals.find((p) => p.name === name || p.name.startsWith(`${name}@`));
        expect(principal, name).toBeDefined();
        const contract = reference.contracts.get(principal!.department)!;
        const budget =
          principal!.department === "PUBLIC" ? testConfig.COST_LIMIT_PUBLIC : testConfig.COST_LIMIT_OFFICER;
        const pools = new Pools();
        const seed = seedOf(SEED, principal!.name);
        const generator = operationGenerator({ seed, contract, schema: reference.schema, regionCodes, budget, pools });
        for (let i = 0; i < PER_PRINCIPAL; i++) {
          const op = generator.next();
          const expected = await same(
            principal!,
            { query: op.query, variables: op.variables, operationName: op.operationName },
            `operation ${op.index} of seed ${seed} (EQUALITY_SEED=${SEED})${op.broken ? `, broken: ${op.broken}` : ""}`,
            Boolean(op.broken),
          );
          pools.harvest(op, expected.data);
        }
      },
      LONG,
    );
  });

  it(
    "tells two paths apart when they answer differently",
    async () => {
      // A deliberately different "plan": the same app under a policy that masks one more field. The
      // comparison must see the difference, or the equalities above would prove nothing.
      const policy = loadPolicyFile(testConfig.POLICY_FILE);
      const group = Object.values(policy.groups).find((g) => JSON.stringify(g.fields).includes("householdNumber"));
      expect(group).toBeDefined();
      (group!.access as Record<string, string>).HEALTH = "none";
      const different = await createTestApp(database, { readPath: "plan", policy });
      try {
        const headers = { ...(await authHeaders("HEALTH")), "x-request-id": "equality" };
        const body = { query: `{ households(first: 2) { nodes { householdNumber } } }` };
        const expected = await answer(database, reference, body, headers);
        const actual = await answer(database, different, body, headers);
        expect(actual).not.toEqual(expected);
        expect(actual.errors.map((e) => e.code)).toContain("GRAPHQL_VALIDATION_FAILED");
      } finally {
        await different.stop();
      }
    },
    LONG,
  );
});
