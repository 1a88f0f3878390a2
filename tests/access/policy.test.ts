import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify } from "yaml";
import { createApp } from "../../src/app.js";
import { levelRefusal } from "../../src/access/access.js";
import { mutationLevelOf } from "../../src/access/compile.js";
import { defaultPolicyPath, parsePolicy } from "../../src/access/policy.js";
import { signToken } from "../../src/access/token.js";
import { toGlobalId } from "../../src/shared/global-id.js";
import { emittedSchemaFiles } from "../../src/schema-file.js";
import { authHeaders, createTestApp, request, testConfig } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";

const policyText = readFileSync(defaultPolicyPath, "utf8");
const policyData = () =>
  parseYaml(policyText) as {
    departments: Record<string, string>;
    groups: Record<string, { fields: Record<string, string[] | "*">; access: Record<string, string> }>;
  };

describe("the policy file", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => database?.dispose());

  it("stops the server, naming the field, when the policy lists a field the schema does not have", async () => {
    const data = policyData();
    (data.groups["member-basic"]!.fields.Member as string[]).push("shoeSize");
    await expect(createApp(testConfig, database, { policy: parsePolicy(stringify(data)) })).rejects.toThrow(
      /unknown field Member\.shoeSize/,
    );
  });

  it("stops the server, naming the field, when a field of the schema has no rule", async () => {
    const data = policyData();
    data.groups["member-id-number"]!.fields.Member = [];
    await expect(createApp(testConfig, database, { policy: parsePolicy(stringify(data)) })).rejects.toThrow(
      /no rule for Member\.idNumber/,
    );
  });

  it("rejects an unknown type, an unknown department and a second owner", () => {
    const data = policyData();
    data.groups.regions!.fields.Spaceship = ["id"];
    data.groups.projects!.access.FINANCE = "read";
    data.groups.projects!.access.HEALTH = "own";
    expect(() => parsePolicy(stringify(data))).toThrow(/unknown department FINANCE/);
    delete data.groups.projects!.access.FINANCE;
    expect(() => parsePolicy(stringify(data))).toThrow(/only its owner/);
  });

  it("keeps a batch form at its single form's region level: listed apart, or with an unknown mutation, it is refused", () => {
    const policy = parsePolicy(policyText);
    expect(mutationLevelOf(policy, "reviewCase")).toBe("TOWNSHIP");
    expect(mutationLevelOf(policy, "reviewCaseBatch")).toBe("TOWNSHIP");
    expect(mutationLevelOf(policy, "confirmCaseBatch")).toBe("COUNTY");
    expect(mutationLevelOf(policy, "verifyCaseBatch")).toBeUndefined();
    const data = policyData() as ReturnType<typeof policyData> & { mutationLevels: Record<string, string> };
    data.mutationLevels.reviewCaseBatch = "COUNTY";
    expect(() => parsePolicy(stringify(data))).toThrow(/reviewCaseBatch has the level of reviewCase/);
    delete data.mutationLevels.reviewCaseBatch;
    data.mutationLevels.reviewCases = "TOWNSHIP";
    expect(() => parsePolicy(stringify(data))).toThrow(/reviewCases is not a mutation of any group/);
  });

  it("refuses a level's mutation to a principal whose region is of no level, and allows the wider ones", () => {
    const at = (region: string) =>
      levelRefusal({ id: "p", department: "RURAL_REVITALIZATION", region, via: "jwt" }, "reviewCase", "TOWNSHIP");
    expect(at("")).toBeNull();
    expect(at("4312")).toBeNull();
    expect(at("431221001")).toBeNull();
    expect(at("431221001001")?.extensions).toMatchObject({
      code: "FORBIDDEN",
      requiredLevel: "TOWNSHIP",
      principalLevel: "VILLAGE",
    });
    expect(at("4312210")?.extensions).toMatchObject({
      code: "FORBIDDEN",
      requiredLevel: "TOWNSHIP",
      principalLevel: null,
    });
  });

  it("refuses a mutation to a principal below the level an edit of the policy gives it, before anything runs", async () => {
    const data = policyData() as ReturnType<typeof policyData> & { mutationLevels: Record<string, string> };
    data.mutationLevels.verifyCase = "COUNTY";
    const app = await createApp(testConfig, database, { policy: parsePolicy(stringify(data)) });
    try {
      const verify = `mutation($input: VerifyCaseBatchInput!) { verifyCaseBatch(input: $input) { applied } }`;
      const input = { records: [{ caseId: toGlobalId("MonitoringCase", 99999), version: 1, findings: "入户核实" }] };
      const township = await request(
        app,
        { query: verify, variables: { input } },
        await authHeaders("RURAL_REVITALIZATION", "431221001"),
      );
      expect(township.data ?? null).toBeNull();
      expect(township.errors?.[0]?.extensions).toMatchObject({
        code: "FORBIDDEN",
        requiredLevel: "COUNTY",
        principalLevel: "TOWNSHIP",
      });
      // A county officer passes the level: the batch runs, and the unknown case is its record's outcome.
      const county = await request<{ verifyCaseBatch: { applied: number } }>(
        app,
        { query: verify, variables: { input } },
        await authHeaders("RURAL_REVITALIZATION", "431221"),
      );
      expect(county.errors).toBeUndefined();
      expect(county.data?.verifyCaseBatch.applied).toBe(0);
    } finally {
      await app.stop();
    }
  });

  it("takes a new department by an edit of the file alone", async () => {
    const data = policyData();
    data.departments.AGRICULTURE = "农业农村局 — a department added by editing the policy";
    data.groups["village-core"]!.access.AGRICULTURE = "read";
    data.groups.projects!.access.AGRICULTURE = "read";
    const app = await createApp(testConfig, database, { policy: parsePolicy(stringify(data)) });
    try {
      const headers = {
        authorization: `Bearer ${await signToken(testConfig, { sub: "agri-1", department: "AGRICULTURE", region: "431221" })}`,
      };
      const villages = await request<{ villages: { nodes: { code: string }[] } }>(
        app,
        { query: `{ villages(first: 3) { nodes { code name } } }` },
        headers,
      );
      expect(villages.errors).toBeUndefined();
      const codes = villages.data!.villages.nodes.map((v) => v.code);
      expect(codes.every((c) => c.startsWith("431221"))).toBe(true);
      const members = await app.graphql({ query: `{ members(first: 1) { nodes { name } } }` }, headers);
      expect(members.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
      // Roads are not in its grant: unlisted means denied.
      const roads = await app.graphql({ query: `{ villages(first: 1) { nodes { hasHardenedRoad } } }` }, headers);
      expect(roads.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    } finally {
      await app.stop();
    }
  });
});

describe("introspection", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase({ seed: false });
  });
  afterAll(async () => database?.dispose());

  it("shows each department its contract: only what it may see", async () => {
    const app = await createTestApp(database);
    try {
      const memberFields = async (department: string) => {
        const headers = department === "PUBLIC" ? {} : await authHeaders(department);
        const { data } = await request<{ __type: { fields: { name: string }[] } | null }>(
          app,
          { query: `{ __type(name: "Member") { fields { name } } }` },
          headers,
        );
        const type = data!.__type;
        return type ? type.fields.map((f) => f.name) : null;
      };
      const health = await memberFields("HEALTH");
      expect(health).toContain("healthStatus");
      expect(health).toContain("idNumber");
      expect(health).not.toContain("schoolingStatus");
      expect(health).not.toContain("labourCapacity");
      expect(await memberFields("EDUCATION")).toContain("schoolingStatus");
      expect(await memberFields("TRANSPORT")).toBeNull();
      expect(await memberFields("PUBLIC")).toBeNull();
      expect(await memberFields("RURAL_REVITALIZATION")).toContain("labourCapacity");
    } finally {
      await app.stop();
    }
  });
});

describe("npm run schema", () => {
  it("writes the contracts of the policy file the server is configured with (POLICY_FILE)", async () => {
    const data = policyData();
    // A policy in which transport may no longer see the village core (a collective's income, …).
    delete data.groups["village-core"]!.access.TRANSPORT;
    const folder = mkdtempSync(join(tmpdir(), "xg-policy-"));
    const file = join(folder, "policy.yaml");
    writeFileSync(file, stringify(data));
    const configured = await emittedSchemaFiles(file);
    const standard = await emittedSchemaFiles();
    expect(standard.get("contracts/TRANSPORT.graphql")).toContain("collectiveIncome");
    expect(configured.get("contracts/TRANSPORT.graphql")).not.toContain("collectiveIncome");
    // The header names the policy file (relative to the project, wherever the checkout is).
    expect(configured.get("contracts/TRANSPORT.graphql")).toContain(`${basename(folder)}/policy.yaml`);
  });
});
