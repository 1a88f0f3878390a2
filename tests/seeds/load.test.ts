import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../src/db/client.js";
import { migrate } from "../../src/db/migrate.js";
import { generate, TABLE_ORDER } from "../../seeds/generate.js";
import { isEmpty, seedDatabase, type SeedResult } from "../../seeds/index.js";

describe("loading the demo tier into PGlite", () => {
  let database: Database;
  let result: SeedResult;
  let emptyBefore: boolean;

  beforeAll(async () => {
    database = await openDatabase();
    emptyBefore = await isEmpty(database);
    await migrate(database);
    result = await seedDatabase(database, { tier: "demo" });
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  it("reports emptiness before and after", async () => {
    expect(emptyBefore).toBe(true);
    expect(await isEmpty(database)).toBe(false);
  });

  it("loads exactly the rows the generator produces", async () => {
    const expected: Record<string, number> = Object.fromEntries(TABLE_ORDER.map((t) => [t, 0]));
    for (const batch of generate({ tier: "demo" })) expected[batch.table]! += batch.rows.length;
    expect(result.counts).toEqual(expected);
    for (const table of TABLE_ORDER) {
      const [row] = await database.rows<{ n: number }>(sql.raw(`SELECT count(*)::int AS n FROM "${table}"`));
      expect(row!.n, table).toBe(expected[table]);
    }
  });

  it("answers a county-subtree query and keeps registered totals equal to the households", async () => {
    const rows = await database.rows<{ status: string; n: number }>(
      sql`SELECT status::text AS status, count(*)::int AS n FROM households WHERE village_code LIKE '431221%' GROUP BY status ORDER BY status`,
    );
    expect(rows.map((r) => r.status)).toContain("EXITED");
    const [mismatch] = await database.rows<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM villages v
      WHERE registered_poor_households <> (SELECT count(*) FROM households h WHERE h.village_code = v.code)
         OR registered_poor_population <> (SELECT count(*) FROM members m WHERE m.village_code = v.code)
         OR registered_population < registered_poor_population OR registered_households < registered_poor_households`);
    expect(mismatch!.n).toBe(0);
    const [helpers] = await database.rows<{ missing: number; over: number }>(sql`
      SELECT (SELECT count(*)::int FROM households h WHERE NOT EXISTS
                (SELECT 1 FROM cadre_household_assignments a WHERE a.household_id = h.id AND a.end_date IS NULL)) AS missing,
             (SELECT count(*)::int FROM (SELECT cadre_id FROM cadre_household_assignments WHERE end_date IS NULL
                GROUP BY cadre_id HAVING count(*) > 10) s) AS over`);
    expect(helpers).toEqual({ missing: 0, over: 0 });
  });

  it("moves identity sequences past the explicit ids", async () => {
    const [row] = await database.rows<{ id: number }>(
      sql`INSERT INTO agencies (name, kind, level) VALUES ('测试单位', 'SOCIAL_ORGANISATION', 'CITY') RETURNING id`,
    );
    expect(row!.id).toBe(result.counts.agencies! + 1);
  });
});
