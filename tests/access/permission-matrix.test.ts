import { getNamedType, isInterfaceType, isObjectType, type GraphQLField, type GraphQLObjectType } from "graphql";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { isStructuralType } from "../../src/access/compile.js";
import { toGlobalId } from "../../src/shared/global-id.js";
import { authHeaders, request, testConfig } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";

/**
 * The permission matrix, generated from the policy: for every department (PUBLIC included), every
 * object type and every field, the field is queried through a root list and through a nested
 * relation, and the answer must be exactly what the policy says: the value, its masked form, or
 * refused with no value (outside its contract the field does not exist: GRAPHQL_VALIDATION_FAILED).
 */

/** How to reach rows of each type: the path's (type, field) steps and the query around a selection. */
interface Path {
  name: string;
  steps: [string, string][];
  wrap: (selection: string) => string;
}

const PATHS: Record<string, Path[]> = {
  // Monitoring cases (tests/modules/cases.test.ts tells their stories).
  MonitoringCase: [
    {
      name: "monitoringCases",
      steps: [["Query", "monitoringCases"]],
      wrap: (s) => `monitoringCases(first: 3) { nodes { ${s} } }`,
    },
    {
      name: "household.monitoringCases",
      steps: [
        ["Query", "households"],
        ["Household", "monitoringCases"],
      ],
      wrap: (s) => `households(first: 3, filter: { regionCode: "431221" }) { nodes { monitoringCases { ${s} } } }`,
    },
  ],
  CaseObjection: [
    {
      name: "monitoringCases.objections",
      steps: [
        ["Query", "monitoringCases"],
        ["MonitoringCase", "objections"],
      ],
      wrap: (s) => `monitoringCases(first: 3) { nodes { objections { ${s} } } }`,
    },
  ],
  AssistanceMeasure: [
    {
      name: "monitoringCases.assistance",
      steps: [
        ["Query", "monitoringCases"],
        ["MonitoringCase", "assistance"],
      ],
      wrap: (s) => `monitoringCases(first: 3) { nodes { assistance { ${s} } } }`,
    },
  ],
  FollowUpVisit: [
    {
      name: "followUpsDue",
      steps: [["Query", "followUpsDue"]],
      wrap: (s) => `followUpsDue(first: 3) { nodes { ${s} } }`,
    },
    {
      name: "monitoringCases.followUps",
      steps: [
        ["Query", "monitoringCases"],
        ["MonitoringCase", "followUps"],
      ],
      wrap: (s) => `monitoringCases(first: 3) { nodes { followUps { ${s} } } }`,
    },
  ],
  MonitoringCounts: [
    {
      name: "monitoringCounts",
      steps: [["Query", "monitoringCounts"]],
      wrap: (s) => `monitoringCounts(regionCode: "431221") { ${s} }`,
    },
  ],
  Region: [
    { name: "regions", steps: [["Query", "regions"]], wrap: (s) => `regions(filter: { level: COUNTY }) { ${s} }` },
    {
      name: "village.township",
      steps: [
        ["Query", "villages"],
        ["Village", "township"],
      ],
      wrap: (s) => `villages(first: 2) { nodes { township { ${s} } } }`,
    },
  ],
  Village: [
    { name: "villages", steps: [["Query", "villages"]], wrap: (s) => `villages(first: 3) { nodes { ${s} } }` },
    {
      name: "project.village",
      steps: [
        ["Query", "projects"],
        ["Project", "village"],
      ],
      wrap: (s) => `projects(first: 3, filter: { regionCode: "431221" }) { nodes { village { ${s} } } }`,
    },
  ],
  Household: [
    { name: "households", steps: [["Query", "households"]], wrap: (s) => `households(first: 3) { nodes { ${s} } }` },
    {
      name: "village.households",
      steps: [
        ["Query", "villages"],
        ["Village", "households"],
      ],
      wrap: (s) => `villages(first: 1) { nodes { households(first: 2) { nodes { ${s} } } } }`,
    },
  ],
  Member: [
    { name: "members", steps: [["Query", "members"]], wrap: (s) => `members(first: 3) { nodes { ${s} } }` },
    {
      name: "household.members",
      steps: [
        ["Query", "households"],
        ["Household", "members"],
      ],
      wrap: (s) => `households(first: 2) { nodes { members { ${s} } } }`,
    },
  ],
  HouseholdIncome: [
    {
      name: "household.incomes",
      steps: [
        ["Query", "households"],
        ["Household", "incomes"],
      ],
      wrap: (s) => `households(first: 2) { nodes { incomes { ${s} } } }`,
    },
  ],
  HouseholdEvent: [
    {
      name: "household.history",
      steps: [
        ["Query", "households"],
        ["Household", "history"],
      ],
      wrap: (s) => `households(first: 2) { nodes { history { ${s} } } }`,
    },
  ],
  // The change feed (tests/integrators/change-feed.test.ts tells its stories); its entries' nodes follow their own types.
  ChangePage: [{ name: "changes", steps: [["Query", "changes"]], wrap: (s) => `changes(first: 3) { ${s} }` }],
  Change: [
    {
      name: "changes.entries",
      steps: [
        ["Query", "changes"],
        ["ChangePage", "entries"],
      ],
      wrap: (s) => `changes(first: 3) { entries { ${s} } }`,
    },
  ],
  RiskAlert: [
    { name: "alerts", steps: [["Query", "alerts"]], wrap: (s) => `alerts(first: 3) { nodes { ${s} } }` },
    {
      name: "household.alerts",
      steps: [
        ["Query", "households"],
        ["Household", "alerts"],
      ],
      wrap: (s) => `households(first: 3, filter: { regionCode: "431221" }) { nodes { alerts { ${s} } } }`,
    },
  ],
  VillageEvent: [
    {
      name: "village.history",
      steps: [
        ["Query", "villages"],
        ["Village", "history"],
      ],
      wrap: (s) => `villages(first: 3) { nodes { history { ${s} } } }`,
    },
  ],
  AlertTrigger: [
    {
      name: "alerts.trigger",
      steps: [
        ["Query", "alerts"],
        ["RiskAlert", "trigger"],
      ],
      wrap: (s) => `alerts(first: 3) { nodes { trigger { ${s} } } }`,
    },
  ],
  AlertEvent: [
    {
      name: "alerts.events",
      steps: [
        ["Query", "alerts"],
        ["RiskAlert", "events"],
      ],
      wrap: (s) => `alerts(first: 3) { nodes { events { ${s} } } }`,
    },
  ],
  HelperAssignment: [
    {
      name: "household.helpers",
      steps: [
        ["Query", "households"],
        ["Household", "helpers"],
      ],
      wrap: (s) => `households(first: 2) { nodes { helpers { ${s} } } }`,
    },
  ],
  Project: [
    { name: "projects", steps: [["Query", "projects"]], wrap: (s) => `projects(first: 3) { nodes { ${s} } }` },
    {
      name: "village.projects",
      steps: [
        ["Query", "villages"],
        ["Village", "projects"],
      ],
      wrap: (s) =>
        `villages(first: 3, filter: { povertyStatus: [EXITED, POOR, DEEP_POOR] }) { nodes { projects { ${s} } } }`,
    },
  ],
  ProjectFund: [
    {
      name: "project.funds",
      steps: [
        ["Query", "projects"],
        ["Project", "funds"],
      ],
      wrap: (s) => `projects(first: 3) { nodes { funds { ${s} } } }`,
    },
  ],
  Asset: [
    { name: "assets", steps: [["Query", "assets"]], wrap: (s) => `assets(first: 3) { nodes { ${s} } }` },
    {
      name: "project.assets",
      steps: [
        ["Query", "projects"],
        ["Project", "assets"],
      ],
      wrap: (s) => `projects(first: 20, filter: { status: [ACCEPTED] }) { nodes { assets { ${s} } } }`,
    },
  ],
  AssetIncome: [
    {
      name: "asset.incomes",
      steps: [
        ["Query", "assets"],
        ["Asset", "incomes"],
      ],
      wrap: (s) => `assets(first: 5, filter: { kind: [OPERATING] }) { nodes { incomes { ${s} } } }`,
    },
  ],
  AssetCustodian: [
    {
      name: "asset.custodian",
      steps: [
        ["Query", "assets"],
        ["Asset", "custodian"],
      ],
      wrap: (s) => `assets(first: 3) { nodes { custodian { ${s} } } }`,
    },
  ],
  Agency: [
    { name: "agencies", steps: [["Query", "agencies"]], wrap: (s) => `agencies(first: 3) { nodes { ${s} } }` },
    {
      name: "project.leadAgency",
      steps: [
        ["Query", "projects"],
        ["Project", "leadAgency"],
      ],
      wrap: (s) => `projects(first: 2) { nodes { leadAgency { ${s} } } }`,
    },
  ],
  Cadre: [
    { name: "cadres", steps: [["Query", "cadres"]], wrap: (s) => `cadres(first: 3) { nodes { ${s} } }` },
    {
      name: "village.firstSecretary",
      steps: [
        ["Query", "villages"],
        ["Village", "firstSecretary"],
      ],
      wrap: (s) =>
        `villages(first: 3, filter: { povertyStatus: [EXITED, POOR, DEEP_POOR] }) { nodes { firstSecretary { ${s} } } }`,
    },
  ],
  VillageAssignment: [
    {
      name: "agency.villageAssignments",
      steps: [
        ["Query", "agencies"],
        ["Agency", "villageAssignments"],
      ],
      wrap: (s) => `agencies(first: 5) { nodes { villageAssignments { ${s} } } }`,
    },
  ],
  AuditEntry: [
    { name: "auditLog", steps: [["Query", "auditLog"]], wrap: (s) => `auditLog(first: 3) { nodes { ${s} } }` },
    {
      name: "household.accessLog",
      steps: [
        ["Query", "households"],
        ["Household", "accessLog"],
      ],
      wrap: (s) => `households(first: 3) { nodes { accessLog { ${s} } } }`,
    },
  ],
  Guarantees: [
    {
      name: "household.guarantees",
      steps: [
        ["Query", "households"],
        ["Household", "guarantees"],
      ],
      wrap: (s) => `households(first: 2) { nodes { guarantees { ${s} } } }`,
    },
  ],
  GuaranteeItem: [
    {
      name: "household.guarantees.housingSafety",
      steps: [
        ["Query", "households"],
        ["Household", "guarantees"],
        ["Guarantees", "housingSafety"],
      ],
      wrap: (s) => `households(first: 2) { nodes { guarantees { housingSafety { ${s} } } } }`,
    },
  ],
  RigidExpenditure: [
    {
      name: "household.rigidExpenditures",
      steps: [
        ["Query", "households"],
        ["Household", "rigidExpenditures"],
      ],
      wrap: (s) => `households(first: 2) { nodes { rigidExpenditures { ${s} } } }`,
    },
  ],
  MonitoringStandard: [
    {
      name: "monitoringStandards",
      steps: [["Query", "monitoringStandards"]],
      wrap: (s) => `monitoringStandards { ${s} }`,
    },
  ],
  AlertEvidence: [
    {
      name: "alerts.trigger.evidence",
      steps: [
        ["Query", "alerts"],
        ["RiskAlert", "trigger"],
        ["AlertTrigger", "evidence"],
      ],
      wrap: (s) => `alerts(first: 3) { nodes { trigger { evidence { ${s} } } } }`,
    },
  ],
  ScreeningRuleInfo: [
    { name: "screeningRules", steps: [["Query", "screeningRules"]], wrap: (s) => `screeningRules { ${s} }` },
  ],
  ScreeningThreshold: [
    {
      name: "screeningRules.threshold",
      steps: [
        ["Query", "screeningRules"],
        ["ScreeningRuleInfo", "threshold"],
      ],
      wrap: (s) => `screeningRules { threshold { ${s} } }`,
    },
  ],
  CadreVillageAssignment: [
    {
      name: "village.workTeam",
      steps: [
        ["Query", "villages"],
        ["Village", "workTeam"],
      ],
      wrap: (s) =>
        `villages(first: 3, filter: { povertyStatus: [EXITED, POOR, DEEP_POOR] }) { nodes { workTeam { ${s} } } }`,
    },
  ],
};

const WRITE_RESULTS = new Set([
  "InputError",
  "WriteError",
  "MemberWriteResult",
  "CaseWriteResult",
  "HouseholdWriteResult",
  "VillageWriteResult",
  "ProjectWriteResult",
  "AssetWriteResult",
  "AgencyWriteResult",
  "AlertWriteResult",
  "BatchWriteResult",
  "BatchRecordResult",
  "MonitoringStandardWriteResult",
  "ScreeningRunResult",
  "ScreeningRuleResult",
]);

/** A selection of a field: scalars as they are, objects by __typename, connections by totalCount. */
function selectionOf(field: GraphQLField<unknown, unknown>): string {
  const type = getNamedType(field.type);
  if (isInterfaceType(type)) return `${field.name} { __typename }`;
  if (!isObjectType(type)) return field.name;
  if (isStructuralType(type.name)) return `${field.name} { totalCount }`;
  return `${field.name} { __typename }`;
}

const MASK_FORMS: Record<string, RegExp> = {
  ID_NUMBER: /^[0-9]{6}\*{8}[0-9X]{4}$/,
  PHONE: /^[0-9]{3}\*{4}[0-9]{4}$/,
};

/** Every value of a field found along a path in a response (lists flattened). */
function valuesAt(data: unknown, path: string[]): unknown[] {
  let current: unknown[] = [data];
  for (const key of path) {
    const next: unknown[] = [];
    for (const value of current) {
      if (Array.isArray(value)) {
        for (const item of value)
          if (item && typeof item === "object") next.push((item as Record<string, unknown>)[key]);
      } else if (value && typeof value === "object") next.push((value as Record<string, unknown>)[key]);
    }
    current = next.flatMap((v) => (Array.isArray(v) ? v : [v]));
  }
  return current;
}

describe("the permission matrix", () => {
  let database: TestDatabase;
  let app: App;
  const headers = new Map<string, Record<string, string>>();

  beforeAll(async () => {
    database = await openTestDatabase();
    // The matrix asks for every readable field of a type in one document (lists of lists under a
    // 5,000-region list), which no caller needs. The cost budgets that refuse such documents are
    // tests/security/bombs.test.ts's subject, not the policy's: they are lifted here.
    app = await createApp({ ...testConfig, COST_LIMIT_PUBLIC: 100_000_000, COST_LIMIT_OFFICER: 100_000_000 }, database);
    for (const department of app.policy.departments) {
      // A department scoped to one village (regionLevels) is asked with a village's code.
      const village = app.policy.forDepartment(department)?.regionDigits === 12;
      headers.set(
        department,
        department === "PUBLIC" ? {} : await authHeaders(department, village ? "431221001001" : ""),
      );
    }
    // An alert to read: a fully insured household of the first page loses a member's insurance.
    const [member] = await database.rows<{ id: number; version: number }>(sql`
      SELECT m.id, m.version FROM members m WHERE m.household_id = (
        SELECT min(h.id) FROM households h WHERE h.village_code LIKE '431221%'
          AND NOT EXISTS (SELECT 1 FROM members o WHERE o.household_id = h.id AND NOT o.has_basic_medical_insurance))
      ORDER BY m.id LIMIT 1`);
    // The demo data carry the alerts of their monitoring cases: this write adds one.
    const [before] = await database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM risk_alerts`);
    const { body } = await app.graphql(
      {
        query: `mutation($input: RecordMedicalInsuranceInput!) { recordMedicalInsurance(input: $input) { ok } }`,
        variables: {
          input: {
            memberId: toGlobalId("Member", member!.id),
            version: member!.version,
            hasBasicMedicalInsurance: false,
            reason: "matrix",
          },
        },
      },
      await authHeaders("MEDICAL_INSURANCE"),
    );
    expect(body.data?.recordMedicalInsurance).toEqual({ ok: true });
    const [alerts] = await database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM risk_alerts`);
    expect(alerts!.n).toBe(before!.n + 1);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.dispose();
  });

  it("has a path to every object type of the schema", async () => {
    const dataTypes = Object.values(app.schema.getTypeMap()).filter(
      (t): t is GraphQLObjectType =>
        isObjectType(t) &&
        !t.name.startsWith("_") &&
        !isStructuralType(t.name) &&
        t.name !== "Query" &&
        // Reached only through mutations: tests/modules/stewardship.test.ts covers who may call them.
        t.name !== "Mutation" &&
        // Delivers RiskAlert, whose fields the matrix checks through alerts; tests/api/subscriptions.test.ts covers it.
        t.name !== "Subscription" &&
        !WRITE_RESULTS.has(t.name),
    );
    expect(dataTypes.map((t) => t.name).filter((name) => !PATHS[name])).toEqual([]);
  });

  it("covers every department, type and field, through every path, exactly as the policy says", async () => {
    let checked = 0;
    const failures: string[] = [];
    for (const department of app.policy.departments) {
      const policy = app.policy.forDepartment(department)!;
      for (const [typeName, paths] of Object.entries(PATHS)) {
        const type = app.schema.getType(typeName) as GraphQLObjectType;
        const fields = Object.values(type.getFields());
        for (const path of paths) {
          const pathOpen = path.steps.every(([t, f]) => policy.level(t, f) !== "none");
          const allowed = pathOpen ? fields.filter((f) => policy.level(typeName, f.name) !== "none") : [];
          const denied = fields.filter((f) => !allowed.includes(f));

          // Everything the department may read, in one query: values present, masked where the policy says.
          if (allowed.length) {
            const query = `{ ${path.wrap(allowed.map(selectionOf).join(" "))} }`;
            const { body } = await app.graphql({ query }, headers.get(department));
            if (body.errors) failures.push(`${department} ${path.name}: ${JSON.stringify(body.errors)}`);
            const responsePath = path
              .wrap("§")
              .replace(/\([^)]*\)/g, "")
              .split(/[\s{}]+/)
              .filter((w) => w && w !== "§");
            for (const field of allowed) {
              const values = valuesAt(body.data, [...responsePath, field.name]);
              const level = policy.level(typeName, field.name);
              const mask = policy.masks(typeName).get(field.name);
              for (const value of values) {
                if (typeof value !== "string") continue;
                if (level === "masked" && !MASK_FORMS[mask!]!.test(value)) {
                  failures.push(`${department} ${typeName}.${field.name} via ${path.name}: not masked: ${value}`);
                }
                if (level !== "masked" && mask && MASK_FORMS[mask]!.test(value)) {
                  failures.push(`${department} ${typeName}.${field.name} via ${path.name}: masked but should be clear`);
                }
              }
              checked += 1;
            }
          }

          // Each field it may not read, alone: outside its contract, so answered as a field that does
          // not exist (GRAPHQL_VALIDATION_FAILED), and no data at all.
          for (const field of denied) {
            const query = `{ ${path.wrap(selectionOf(field))} }`;
            const { body } = await app.graphql({ query }, headers.get(department));
            const codes = (body.errors ?? []).map((e) => e.extensions?.code);
            if (!codes.includes("GRAPHQL_VALIDATION_FAILED") || body.data) {
              failures.push(
                `${department} ${typeName}.${field.name} via ${path.name}: expected GRAPHQL_VALIDATION_FAILED, got ${JSON.stringify(body).slice(0, 200)}`,
              );
            }
            checked += 1;
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(1000);
    // Thousands of requests: about 45 s on a shared 2-core machine.
  }, 240_000);

  it("offers every department exactly the mutations of the groups it owns, and every department some", async () => {
    const mutations = Object.keys(app.schema.getMutationType()!.getFields());
    for (const department of app.policy.departments) {
      const policy = app.policy.forDepartment(department)!;
      const owned = mutations.filter((m) => policy.level("Mutation", m) === "own").sort();
      const { body } = await app.graphql(
        { query: `{ __schema { mutationType { fields { name } } } }` },
        headers.get(department),
      );
      const schema = body.data?.__schema as { mutationType: { fields: { name: string }[] } | null } | undefined;
      const offered = (schema?.mutationType?.fields ?? []).map((f) => f.name).sort();
      expect(offered, department).toEqual(owned);
      // Each steward writes: a department listed in the policy (the public aside) owns at least one write.
      if (department !== "PUBLIC") expect(owned.length, department).toBeGreaterThan(0);
    }
  });

  it("keeps lists non-empty where a department may read, so the matrix reads real values", async () => {
    const { data } = await request<{ members: { nodes: { idNumber: string; name: string }[] } }>(
      app,
      { query: `{ members(first: 3) { nodes { idNumber name } } }` },
      headers.get("HEALTH"),
    );
    const nodes = data!.members.nodes;
    expect(nodes).toHaveLength(3);
    for (const node of nodes) expect(node.idNumber).toMatch(MASK_FORMS.ID_NUMBER!);
  });
});
