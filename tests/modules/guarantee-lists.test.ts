import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { GraphQLFormattedError } from "graphql";
import { fullAccess } from "../../src/access/access.js";
import { createContext } from "../../src/context.js";
import { listHouseholdsWithUnmetGuarantees } from "../../src/modules/monitoring/guarantee.service.js";
import { toGlobalId } from "../../src/shared/global-id.js";
import { authHeaders, testConfig, useTestApp } from "../helpers/app.js";

// Response shapes are checked by assertions, not by the compiler.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/** The lists of households with unmet guarantees need a population: the demo tier's two counties. */
const t = useTestApp({ seed: "demo" });

async function query(
  q: string,
  variables: Record<string, unknown> = {},
  headers?: Record<string, string>,
): Promise<{ data?: Json | null; errors?: GraphQLFormattedError[]; statements: number }> {
  const before = t.database.statements.count;
  const response = await t.query<Json>(q, variables, headers);
  return { ...response, statements: t.database.statements.count - before };
}

async function ok(q: string, variables: Record<string, unknown> = {}, headers?: Record<string, string>) {
  const result = await query(q, variables, headers);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result;
}

describe("households with unmet guarantees, over the demo tier", () => {
  it("costs the same number of statements for 200 households as for 20", async () => {
    const Q = `query($n: Int) { households(first: $n) { nodes { guarantees { anyUnmet foodAndClothing { status } } } } }`;
    const small = await ok(Q, { n: 20 });
    const large = await ok(Q, { n: 200 });
    expect(large.data!.households.nodes).toHaveLength(200);
    expect(large.statements).toBe(small.statements);
    // the page + household facts + members + latest incomes
    expect(large.statements).toBeLessThanOrEqual(4);
  });

  it("a county officer does not see another county's households in the list", async () => {
    const { data } = await ok(
      `{ householdsWithUnmetGuarantees(first: 500) { nodes { villageCode } } }`,
      {},
      await authHeaders("HOUSING", "431221"),
    );
    for (const h of data!.householdsWithUnmetGuarantees.nodes) expect(h.villageCode.startsWith("431221")).toBe(true);
  });
});

describe("households with unmet guarantees", () => {
  const LIST = /* GraphQL */ `
    query ($region: String, $item: GuaranteeItemKind, $after: String) {
      householdsWithUnmetGuarantees(regionCode: $region, item: $item, first: 200, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
          villageCode
          guarantees {
            anyUnmet
            housingSafety {
              status
            }
          }
        }
      }
    }
  `;

  async function all(variables: Record<string, unknown>): Promise<Json[]> {
    const seen: Json[] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const { data } = await ok(LIST, { ...variables, after });
      seen.push(...data!.householdsWithUnmetGuarantees.nodes);
      if (!data!.householdsWithUnmetGuarantees.pageInfo.hasNextPage) break;
      after = data!.householdsWithUnmetGuarantees.pageInfo.endCursor;
    }
    return seen;
  }

  const housingUnsafe = () =>
    t.database.rows<{ id: number }>(
      sql`SELECT id FROM households WHERE housing_grade IN ('C', 'D') AND NOT housing_renovated ORDER BY id`,
    );

  it("for HOUSING_SAFETY is exactly the SQL set (service, system principal)", async () => {
    const expected = await housingUnsafe();
    expect(expected.length).toBeGreaterThan(0);
    const ctx = createContext(testConfig, t.database, fullAccess());
    const ids: number[] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const c = await listHouseholdsWithUnmetGuarantees(ctx, null, "HOUSING_SAFETY", { first: 150, after });
      ids.push(...c.nodes.map((h) => h.rowId));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(ids).toEqual(expected.map((r) => r.id));
  });

  it("for HOUSING_SAFETY returns exactly the households graded C/D and not renovated, page by page", async () => {
    const expected = await housingUnsafe();
    expect(expected.length).toBeGreaterThan(0);
    const seen = await all({ item: "HOUSING_SAFETY" });
    expect(seen.map((h) => h.id)).toEqual(expected.map((r) => toGlobalId("Household", r.id)));
    for (const h of seen) {
      expect(h.guarantees.housingSafety.status).toBe("UNMET");
      expect(h.guarantees.anyUnmet).toBe(true);
    }
  });

  it("for any item agrees with each household's own guarantees, within a region", async () => {
    const seen = await all({ region: "431221" });
    expect(seen.length).toBeGreaterThan(0);
    for (const h of seen) {
      expect(h.villageCode.startsWith("431221")).toBe(true);
      expect(h.guarantees.anyUnmet).toBe(true);
    }
    // and none of the households left out has an unmet item
    const { data } = await ok(
      `{ households(filter: { regionCode: "431221" }, first: 1000) { nodes { id guarantees { anyUnmet } } } }`,
    );
    const listed = new Set(seen.map((h) => h.id));
    for (const h of data!.households.nodes) expect(listed.has(h.id)).toBe(h.guarantees.anyUnmet);
  });

  it("rejects a malformed region code", async () => {
    const { errors } = await query(`{ householdsWithUnmetGuarantees(regionCode: "43x") { nodes { id } } }`);
    expect(errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});
