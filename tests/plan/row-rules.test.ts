import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify } from "yaml";
import { createApp, type App } from "../../src/app.js";
import { defaultPolicyPath, parsePolicy } from "../../src/access/policy.js";
import { authHeaders, testConfig } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";

type PolicyData = { groups: Record<string, { rows?: Record<string, Record<string, Record<string, string[]>>> }> };
const policyData = () => parseYaml(readFileSync(defaultPolicyPath, "utf8")) as PolicyData;

/** The policy with one more `rows:` rule for a department, on the household-core group. */
function withRowRule(department: string, type: string, column: string, values: string[]) {
  const data = policyData();
  const group = data.groups["household-core"] ?? Object.values(data.groups)[0]!;
  group.rows = { ...group.rows, [department]: { [type]: { [column]: values } } };
  return parsePolicy(stringify(data));
}

describe("rows: rules of the policy", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => database?.dispose());

  it("stop the server at start-up when they name a type that does not exist", async () => {
    await expect(
      createApp(testConfig, database, { policy: withRowRule("HEALTH", "Spaceship", "kind", ["A"]) }),
    ).rejects.toThrow(/unknown type Spaceship/);
  });

  it("stop the server at start-up when they name a column the type's table does not have", async () => {
    await expect(
      createApp(testConfig, database, { policy: withRowRule("HEALTH", "Household", "colour", ["RED"]) }),
    ).rejects.toThrow(/Household has no column colour/);
  });

  describe("a rule on households", () => {
    let app: App;
    beforeAll(async () => {
      app = await createApp(testConfig, database, { policy: withRowRule("HEALTH", "Household", "status", ["EXITED"]) });
    });
    afterAll(async () => app?.stop());

    it("restricts the rows and the count of the compiled households page", async () => {
      const { body } = await app.graphql(
        { query: `{ households(first: 100) { totalCount nodes { status } } }` },
        await authHeaders("HEALTH"),
      );
      expect(body.errors).toBeUndefined();
      const page = (body.data as { households: { totalCount: number; nodes: { status: string }[] } }).households;
      expect(page.nodes.length).toBeGreaterThan(0);
      expect(new Set(page.nodes.map((n) => n.status))).toEqual(new Set(["EXITED"]));
      const { body: all } = await app.graphql(
        { query: `{ households(first: 1, filter: { status: [EXITED] }) { totalCount } }` },
        await authHeaders("RURAL_REVITALIZATION"),
      );
      expect(page.totalCount).toBe((all.data as { households: { totalCount: number } }).households.totalCount);
    });
  });
});
