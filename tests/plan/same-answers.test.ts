import { desc, gt } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { auditLog } from "../../src/db/schema.js";
import { authHeaders, createTestApp } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { loadExamples } from "../helpers/examples.js";

/**
 * The compiled read path answers exactly as the resolvers do: the same data, the same errors and
 * the same read-audit entry (fields, records, households), for every example and every department,
 * whole-city and county-scoped, plus the shapes the compiler handles (aliases, fragments, edges,
 * cursors, orders, filters, single records) and the arguments it leaves to the resolvers.
 */
const SHAPES: { name: string; query: string; variables?: Record<string, unknown>; compiled?: number }[] = [
  {
    name: "aliases, fragments, edges and every page-info field",
    compiled: 1,
    query: `fragment M on Member { name gender birthDate idNumber }
      fragment H on Household { id householdNumber ... on Household { status createdAt updatedAt otherCauses } }
      query Q { list: households(first: 7, orderBy: HOUSEHOLD_NUMBER, filter: { regionCode: "431221" }) {
        __typename count: totalCount
        pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }
        edges { __typename cursor node { ...H kin: members { ...M __typename id } } }
        nodes { id v: village { __typename id code name county { id name level } township { name code } city { name } } }
      } }`,
  },
  {
    name: "the second page, by cursor, of an order with ties",
    compiled: 1,
    query: `query Q($after: String) { households(first: 5, after: $after, orderBy: IDENTIFIED_YEAR) {
      pageInfo { hasNextPage hasPreviousPage endCursor } nodes { id identifiedYear members { name relation } } } }`,
    variables: { after: Buffer.from(JSON.stringify({ o: "IDENTIFIED_YEAR", v: [2014, 3] })).toString("base64url") },
  },
  {
    name: "filters",
    compiled: 1,
    query: `{ households(first: 20, filter: { status: [EXITED, POOR], anyCause: [ILLNESS, DISABILITY], identifiedYear: { from: 2014, to: 2016 } }) {
      totalCount nodes { id status primaryCause otherCauses exitedYear housingGrade monitoringType } } }`,
  },
  {
    name: "a household by id, with members",
    compiled: 2,
    query: `{ household(id: "SG91c2Vob2xkOjM") { id address members { id idNumber name } village { name } } other: household(id: "SG91c2Vob2xkOjk5OTk5") { id } }`,
  },
  {
    name: "villages with regions",
    compiled: 1,
    query: `{ villages(first: 30, orderBy: NAME, filter: { regionCode: "431221" }) { totalCount pageInfo { endCursor hasNextPage }
      edges { cursor node { id name code povertyStatus registeredPopulation distanceToTownshipKm collectiveIncome township { name } county { name } } } } }`,
  },
  {
    name: "a village's figures, pairings, first secretary, projects and assets",
    compiled: 1,
    query: `{ villages(first: 40, filter: { regionCode: "431221" }) { totalCount nodes { id code householdCount povertyIncidence
      registeredPopulation firstSecretary { id name phone agency { name level } } agencies { id name kind level regionCode }
      projects { id year totalFunds } assets { id code name kind ownership value status formedOn villageCode } } } }`,
  },
  {
    name: "a village by id with its figures",
    compiled: 1,
    query: `{ village(id: "VmlsbGFnZTox") { name householdCount povertyIncidence assets { name } firstSecretary { name } } }`,
  },
  {
    name: "a village's assets of one ledger",
    query: `{ villages(first: 5) { nodes { code assets(kind: [OPERATING]) { name } } } }`,
  },
  {
    name: "regions",
    query: `{ regions(filter: { level: TOWNSHIP, regionCode: "431221" }) { __typename id code name level parentCode isKeyCounty exitYear } all: regions { code } }`,
    compiled: 2,
  },
  { name: "a malformed parent code", query: `{ regions(filter: { parentCode: "4312" }) { code } }` },
  { name: "a bad cursor", query: `{ households(first: 5, after: "nonsense") { nodes { id } } }` },
  { name: "a page too large", query: `{ households(first: 100000) { nodes { id } } }` },
  { name: "a malformed region code", query: `{ households(filter: { regionCode: "43a" }) { nodes { id } } }` },
  { name: "an empty page", query: `{ households(first: 0) { totalCount pageInfo { hasNextPage } nodes { id } } }` },
  {
    name: "a compiled and a resolver root field together",
    query: `{ regions(level: COUNTY) { name } households(first: 3) { nodes { id helper { name } } } h2: households(first: 3) { nodes { id } } }`,
  },
];

describe("the compiled read path answers as the resolvers do", () => {
  let database: TestDatabase;
  let plan: App;
  let resolvers: App;
  /** Data statements of the last request answered. */
  let statements = 0;

  beforeAll(async () => {
    database = await openTestDatabase();
    plan = await createTestApp(database, { readPath: "plan" });
    resolvers = await createTestApp(database, { readPath: "resolvers" });
  });
  afterAll(async () => {
    await plan?.stop();
    await resolvers?.stop();
    await database?.dispose();
  });

  /** The answer and the audit entry one request wrote (none when it read no personal data). */
  async function answer(
    app: App,
    body: { query: string; variables?: Record<string, unknown> },
    headers: Record<string, string>,
  ) {
    const [last] = await database.db.select({ id: auditLog.id }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    const before = database.statements.count;
    const response = await app.graphql(body, headers);
    statements = database.statements.count - before;
    const entries = await database.db
      .select({ fields: auditLog.fields, records: auditLog.recordCount, households: auditLog.householdIds })
      .from(auditLog)
      .where(gt(auditLog.id, last?.id ?? 0));
    return { status: response.status, body: response.body, audit: entries };
  }

  async function expectSame(
    body: { query: string; variables?: Record<string, unknown> },
    headers: Record<string, string>,
  ) {
    const viaPlan = await answer(plan, body, headers);
    const viaResolvers = await answer(resolvers, body, headers);
    expect(viaPlan).toEqual(viaResolvers);
    return viaPlan;
  }

  const departments = [
    "RURAL_REVITALIZATION",
    "EDUCATION",
    "HEALTH",
    "HOUSING",
    "TRANSPORT",
    "CIVIL_AFFAIRS",
    "WATER_RESOURCES",
    "HUMAN_RESOURCES",
    "MEDICAL_INSURANCE",
    "DISABLED_PERSONS_FEDERATION",
    "PUBLIC",
  ];
  const headersOf = async (department: string, region = "") =>
    department === "PUBLIC" ? {} : authHeaders(department, region);

  for (const example of loadExamples().filter((e) => e.kind === "query")) {
    it(`${example.name}: the same for every department`, async () => {
      for (const department of departments) {
        for (const region of department === "PUBLIC" ? [""] : ["", "431221"]) {
          await expectSame({ query: example.query }, await headersOf(department, region));
        }
      }
    });
  }

  for (const shape of SHAPES) {
    it(`${shape.name}: the same for every department`, async () => {
      for (const department of departments) {
        for (const region of department === "PUBLIC" ? [""] : ["", "431221"]) {
          await expectSame({ query: shape.query, variables: shape.variables }, await headersOf(department, region));
        }
      }
      if (shape.compiled !== undefined) {
        // The registry owner sees every field: each root field is one statement on the compiled path.
        await answer(
          plan,
          { query: shape.query, variables: shape.variables },
          await authHeaders("RURAL_REVITALIZATION"),
        );
        expect(statements).toBe(shape.compiled);
      }
    });
  }

  it("reads personal data the same way: the officer page's audit entry names the households of its members", async () => {
    const officer = loadExamples().find((e) => e.name === "officer-households-page")!;
    const same = await expectSame({ query: officer.query }, await authHeaders("RURAL_REVITALIZATION"));
    expect(same.audit).toHaveLength(1);
    expect(same.audit[0]!.households.length).toBeGreaterThan(0);
  });
});
