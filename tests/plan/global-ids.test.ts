import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { households, regions } from "../../src/db/schema.js";
import { globalIdSql } from "../../src/plan/object-sql.js";
import { toGlobalId } from "../../src/shared/global-id.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";

/**
 * The compiled read path and the export build global ids in SQL: an id there is the one
 * `toGlobalId` gives the resolvers, whatever the key's length (so whatever base64's padding), up
 * to the largest key, for every type name the schema has and any longer one.
 */
describe("global ids built by the database", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase({ seed: false });
  });
  afterAll(async () => {
    await database?.dispose();
  });

  const keys = [
    ...Array.from({ length: 300 }, (_, i) => i + 1),
    9_999,
    10_000,
    123_456,
    999_999_999,
    2_147_483_647,
    -1,
    -2_147_483_648,
  ];

  it("are the API's ids for integer keys, for short and long type names", async () => {
    for (const type of ["Household", "Member", "MonitoringCase", "A", "Ab", "Abc", "X".repeat(36), "Y".repeat(37)]) {
      const [row] = await database.rows<{ ids: string[] }>(
        sql`SELECT array_agg(${globalIdSql(type, households.id)} ORDER BY k.n) AS ids FROM unnest(${sql.param(keys)}::int[]) WITH ORDINALITY AS k(id, n) JOIN LATERAL (SELECT k.id) AS households ON true`,
      );
      expect(row!.ids, type).toEqual(keys.map((k) => toGlobalId(type, k)));
    }
  });

  it("are the API's ids for text keys, whatever their characters", async () => {
    const codes = ["431202", "a>b?c~", "长沙市", "x".repeat(80)];
    const [row] = await database.rows<{ ids: string[] }>(
      sql`SELECT array_agg(${globalIdSql("Region", regions.code)} ORDER BY k.n) AS ids FROM unnest(${sql.param(codes)}::text[]) WITH ORDINALITY AS k(code, n) JOIN LATERAL (SELECT k.code) AS regions ON true`,
    );
    expect(row!.ids).toEqual(codes.map((c) => toGlobalId("Region", c)));
  });
});
