import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { cadreHouseholdAssignments, householdIncomes, households } from "../../src/db/schema.js";
import { FEED_TYPES } from "../../src/modules/changes/change.tables.js";
import { toGlobalId } from "../../src/shared/global-id.js";
import { authHeaders, useTestApp } from "../helpers/app.js";
import { feedQuery, feedReader } from "../helpers/feed.js";

const REGISTRY_FEED = feedQuery(`
  ... on HouseholdIncome { year wages perCapitaNetIncome verifiedBy }
  ... on MonitoringCase { status statement verificationFindings }
  ... on HelperAssignment { startDate current }`);
// Civil affairs reads incomes and the identification steps of cases (低保 review).
const CIVIL_AFFAIRS_FEED = feedQuery(`
  ... on HouseholdIncome { year perCapitaNetIncome }
  ... on MonitoringCase { status verificationFindings }`);
// Education reads a case's status and assistance, not what the home visit found; no incomes.
const EDUCATION_FEED = feedQuery(`... on MonitoringCase { status statement }`);
// Health and transport select ids only: incomes (and, for transport, cases) are not in their schema.
const IDS_FEED = feedQuery(``);

interface WriteOutcome {
  ok: boolean;
  record: { id: string; version: number } | null;
  inputErrors: { path: string[]; code: string }[] | null;
}

/**
 * A department's own system keeps a copy of its slice of the registry's records — incomes, helper
 * assignments, monitoring cases — and follows the feed for them as it does for households: the
 * same masks and scope as its queries, and nothing at all of what it may not read.
 */
describe("an integrator follows the registry's records through the change feed", () => {
  const t = useTestApp();
  const { follow, now } = feedReader(t, REGISTRY_FEED);
  const bureau = () => authHeaders("RURAL_REVITALIZATION", "431221");

  async function write(name: string, inputType: string, input: object, fields = "version") {
    const response = await t.query<Record<string, WriteOutcome>>(
      `mutation($input: ${inputType}!) { ${name}(input: $input) { ok inputErrors { path code } record { ${fields} } } }`,
      { input },
      await bureau(),
    );
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    expect(response.data?.[name], JSON.stringify(response.data)).toMatchObject({ ok: true });
    return response.data![name]!.record!;
  }

  const income = (householdId: string, version: number, wages: number) => ({
    householdId,
    version,
    year: 2024,
    wages,
    production: 0,
    property: 0,
    transfer: 0,
    productionCosts: 0,
    persons: 2,
    verifiedBy: "杨家村 村两委 核实小组",
    verifiedOn: "2024-12-01",
    reason: "年度收入核实",
  });

  it("brings an income to the registry owner and civil affairs of its county, never to health or another county", async () => {
    const [registry, civil, otherCounty, health] = await Promise.all([
      bureau(),
      authHeaders("CIVIL_AFFAIRS", "431221"),
      authHeaders("CIVIL_AFFAIRS", "431202"),
      authHeaders("HEALTH"),
    ]);
    const start = await now(registry);
    const home = await t.facts.household({ region: "431221", members: [{ age: 40 }, { age: 38 }] });
    const first = await write(
      "recordHouseholdIncome",
      "RecordHouseholdIncomeInput",
      income(home.id, home.version, 30000),
    );
    await write("recordHouseholdIncome", "RecordHouseholdIncomeInput", income(home.id, first.version, 36000));
    const [row] = await t.database.db
      .select({ id: householdIncomes.id })
      .from(householdIncomes)
      .where(eq(householdIncomes.householdId, home.rowId));
    const incomeId = toGlobalId("HouseholdIncome", row!.id);

    const owner = await follow(start, { headers: registry, types: ["HouseholdIncome"] });
    expect(owner.entries.map((e) => [e.operation, e.type, e.id, e.changedFields])).toEqual([
      ["CREATED", "HouseholdIncome", incomeId, null],
      ["UPDATED", "HouseholdIncome", incomeId, ["perCapitaNetIncome", "wages"]],
    ]);
    // Each entry carries the row as it is now, like node(id).
    expect(owner.entries[1]!.node).toEqual({
      id: incomeId,
      year: 2024,
      wages: 36000,
      perCapitaNetIncome: 18000,
      verifiedBy: "杨家村 村两委 核实小组",
    });
    const byNode = await t.data<{ node: { wages: number } | null }>(
      `query($id: ID!) { node(id: $id) { ... on HouseholdIncome { wages } } }`,
      { id: incomeId },
      registry,
    );
    expect(byNode.node).toEqual({ wages: 36000 });

    const civilFeed = await follow(start, { headers: civil, query: CIVIL_AFFAIRS_FEED, types: ["HouseholdIncome"] });
    expect(civilFeed.entries.map((e) => [e.operation, e.id])).toEqual([
      ["CREATED", incomeId],
      ["UPDATED", incomeId],
    ]);
    // Incomes are served for a declared purpose only, in the feed as in queries.
    const { "x-purpose": _purpose, ...undeclared } = civil;
    const refused = await t.query(
      CIVIL_AFFAIRS_FEED,
      { after: start, types: ["HouseholdIncome"], first: 10 },
      undeclared,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    // Read like any query: incomes are personal data, audited with their household.
    const [audited] = await t.database.rows<{ fields: string[]; household_ids: number[] }>(
      sql`SELECT fields, household_ids FROM audit_log WHERE department = 'CIVIL_AFFAIRS' ORDER BY id DESC LIMIT 1`,
    );
    expect(audited!.fields).toContain("HouseholdIncome.perCapitaNetIncome");
    expect(audited!.household_ids).toContain(home.rowId);

    // Another county's civil affairs bureau: not its household.
    const elsewhere = await follow(start, { headers: otherCounty, query: CIVIL_AFFAIRS_FEED });
    expect(JSON.stringify(elsewhere.entries)).not.toContain(incomeId);
    // Health may not read incomes: asked for or not, they are not in its feed, and node(id) knows none.
    const healthFeed = await follow(start, { headers: health, query: IDS_FEED });
    expect(healthFeed.entries.filter((e) => e.type === "HouseholdIncome" || e.id === incomeId)).toEqual([]);
    expect((await follow(start, { headers: health, query: IDS_FEED, types: ["HouseholdIncome"] })).entries).toEqual([]);

    // The household moves to the other county: its income leaves one county's copy and enters the other's.
    const target = await t.facts.village("431202");
    await t.database.db.update(households).set({ villageCode: target.code }).where(eq(households.id, home.rowId));
    const left = await follow(civilFeed.position, {
      headers: civil,
      query: CIVIL_AFFAIRS_FEED,
      types: ["HouseholdIncome"],
    });
    expect(left.entries.map((e) => [e.operation, e.id, e.node])).toEqual([["LEFT_SCOPE", incomeId, null]]);
    const entered = await follow(elsewhere.position, {
      headers: otherCounty,
      query: CIVIL_AFFAIRS_FEED,
      types: ["HouseholdIncome"],
    });
    expect(entered.entries.map((e) => [e.operation, e.id, e.node?.perCapitaNetIncome])).toEqual([
      ["ENTERED_SCOPE", incomeId, 18000],
    ]);
    // The registry owner of the whole city sees both counties: the move changes nothing it reads.
    const city = await authHeaders("RURAL_REVITALIZATION");
    const moved = await follow(owner.position, { headers: city, types: ["HouseholdIncome"] });
    expect(moved.entries).toEqual([]);
  });

  it("brings a case's steps to who may read them: education sees its status change, transport never sees the case", async () => {
    const [registry, education, transport] = await Promise.all([
      bureau(),
      authHeaders("EDUCATION", "431221"),
      authHeaders("TRANSPORT", "431221"),
    ]);
    const start = await now(registry);
    const home = await t.facts.household({ region: "431221", members: [{ age: 45 }, { age: 12 }] });
    const opened = await write(
      "openMonitoringCase",
      "OpenMonitoringCaseInput",
      { householdId: home.id, source: "CADRE_VISIT", statement: "务工收入中断", openedOn: "2026-11-01" },
      "id version",
    );
    const findings = "户主务工中断,家中有在校学生";
    await write("verifyCase", "VerifyCaseInput", {
      caseId: opened.id,
      version: opened.version,
      findings,
      verifiedOn: "2026-11-03",
    });

    const owner = await follow(start, { headers: registry, types: ["MonitoringCase"] });
    expect(owner.entries.map((e) => [e.operation, e.id])).toEqual([
      ["CREATED", opened.id],
      ["UPDATED", opened.id],
    ]);
    expect(owner.entries[1]!.changedFields).toEqual(
      expect.arrayContaining(["status", "verifiedOn", "verificationFindings"]),
    );
    expect(owner.entries[1]!.node).toMatchObject({ status: "VERIFIED", verificationFindings: findings });

    // Education reads the case's status, not the home visit's findings: never named, never shown.
    const school = await follow(start, { headers: education, query: EDUCATION_FEED, types: ["MonitoringCase"] });
    expect(school.entries.map((e) => [e.operation, e.id, e.changedFields])).toEqual([
      ["CREATED", opened.id, null],
      ["UPDATED", opened.id, ["status"]],
    ]);
    expect(school.entries[1]!.node).toEqual({ id: opened.id, status: "VERIFIED", statement: "务工收入中断" });
    expect(JSON.stringify(school.entries)).not.toMatch(/verificationFindings|verifiedOn|务工中断,/);

    // Transport reads no person-level data: no case, no income, no helper — whatever it asks for.
    const roads = await follow(start, { headers: transport, query: IDS_FEED });
    const personal = new Set(["MonitoringCase", "HouseholdIncome", "HelperAssignment", "Household", "Member"]);
    expect(roads.entries.filter((e) => personal.has(e.type))).toEqual([]);
    expect(JSON.stringify(roads.entries)).not.toContain(opened.id);
    expect(
      (await follow(start, { headers: transport, query: IDS_FEED, types: ["MonitoringCase", "HelperAssignment"] }))
        .entries,
    ).toEqual([]);
  });

  it("brings a new helper assignment, and its end, to the departments that read the household's helpers", async () => {
    const registry = await bureau();
    const start = await now(registry);
    const home = await t.facts.household({ region: "431221", members: [{ age: 60 }], helper: true });
    const [assignment] = await t.database.db
      .select({ id: cadreHouseholdAssignments.id })
      .from(cadreHouseholdAssignments)
      .where(eq(cadreHouseholdAssignments.householdId, home.rowId));
    await t.database.db
      .update(cadreHouseholdAssignments)
      .set({ endDate: "2026-11-30" })
      .where(eq(cadreHouseholdAssignments.id, assignment!.id));
    const id = toGlobalId("HelperAssignment", assignment!.id);
    const { entries } = await follow(start, { headers: registry, types: ["HelperAssignment"] });
    expect(entries.map((e) => [e.operation, e.id, e.changedFields, e.node?.current])).toEqual([
      ["CREATED", id, null, false],
      ["UPDATED", id, ["endDate"], false],
    ]);
    // The public reads agencies and cadres but no household: it never learns who helps whom.
    const publicView = await t.data<{ node: unknown }>(`query($id: ID!) { node(id: $id) { id } }`, { id }, {});
    expect(publicView.node).toBeNull();
  });
});

describe("the feed's reach", () => {
  const t = useTestApp({ seed: false });

  it("serves every type with a global id that a department can fetch by node(id), but regions (reference data)", () => {
    const schema = t.app.schema;
    const nodes = Object.values(schema.getTypeMap())
      .filter((type) => "getInterfaces" in type && type.getInterfaces().some((i) => i.name === "Node"))
      .map((type) => type.name)
      .filter((name) => name !== "Region");
    expect(FEED_TYPES.map((f) => f.type).sort()).toEqual(nodes.sort());
  });
});
