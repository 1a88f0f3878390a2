import { asc, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { households, members } from "../../src/db/tables.js";
import { underRegion } from "../../src/shared/region-code.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";

interface PlanNode {
  "Node Type": string;
  "Index Name"?: string;
  "Index Cond"?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/**
 * A county officer's first page of households is the county's first 50 by id. Over a range of
 * codes PostgreSQL can only find them in id order by walking the primary key through the
 * households of every region registered before the county (the city tier's last county paid for
 * all the others). Its region is asked for on its own level of the code instead, which an index of
 * (that level, id) serves in order: the page reads the county's rows and no others. The answers are
 * those of the range, at every level.
 */
describe("a region's page in id order", () => {
  let database: TestDatabase;
  let village: string;

  beforeAll(async () => {
    database = await openTestDatabase();
    // The region of the last household registered: the one a walk of the primary key finds last.
    const [last] = await database.rows<{ code: string }>(
      sql`SELECT village_code AS code FROM households ORDER BY id DESC LIMIT 1`,
    );
    village = last!.code;
    // Statistics, as autovacuum keeps them on a database in use: the planner's choices are the subject.
    await database.rows(sql`ANALYZE households, members`);
  });
  afterAll(async () => {
    await database?.dispose();
  });

  const levels = [
    { level: "city", digits: 4, index: "city" },
    { level: "county", digits: 6, index: "county" },
    { level: "township", digits: 9, index: "township" },
    { level: "village", digits: 12, index: "village_code" },
  ];
  const tables: { name: string; table: PgTable; code: AnyPgColumn; id: AnyPgColumn }[] = [
    { name: "households", table: households, code: households.villageCode, id: households.id },
    { name: "members", table: members, code: members.villageCode, id: members.id },
  ];

  const inOrder = (t: (typeof tables)[number], where: SQL) =>
    database.db.select({ id: t.id }).from(t.table).where(where).orderBy(asc(t.id));

  /** The plan's nodes for `query` when PostgreSQL may only read the table through an index. */
  async function throughIndexes(query: SQL): Promise<PlanNode[]> {
    return database.db.transaction(async (tx) => {
      // The test's tables fit in a few pages, where reading all of them in order (the whole table,
      // or its primary key) costs no more than a few random reads: what is asked here is which
      // index the predicate meets, so only indexes may be read, and at the cost of a random read on
      // a solid-state disk.
      await tx.execute(sql`SET LOCAL random_page_cost = 1.1`);
      await tx.execute(sql`SET LOCAL enable_seqscan = off`);
      await tx.execute(sql`SET LOCAL enable_bitmapscan = off`);
      await tx.execute(sql`SET LOCAL enable_sort = off`);
      const result = (await tx.execute(sql`EXPLAIN (FORMAT JSON) ${query}`)) as unknown;
      // The same rows on both drivers, as an array (postgres.js) or under `rows` (PGlite).
      const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
        "QUERY PLAN": unknown;
      }[];
      const explained = rows[0]!["QUERY PLAN"];
      const parsed = (typeof explained === "string" ? JSON.parse(explained) : explained) as { Plan: PlanNode }[];
      return nodes(parsed[0]!.Plan);
    });
  }

  for (const t of tables) {
    for (const { level, digits, index } of levels) {
      it(`answers a ${level}'s ${t.name} as the range of its codes would, in id order`, async () => {
        const prefix = village.slice(0, digits);
        const range = sql`${t.code} BETWEEN ${prefix.padEnd(12, "0")} AND ${prefix.padEnd(12, "9")}`;
        const expected = await inOrder(t, range).limit(51);
        expect(expected.length).toBeGreaterThan(0);
        expect(await inOrder(t, underRegion(t.code, prefix)).limit(51)).toEqual(expected);
      });
      // In the demo tier a city is every row: which index reads all of them is the planner's call.
      if (level === "city") continue;
      it(`meets the index of a ${level}'s ${t.name}, which brings them in id order without a sort`, async () => {
        const plan = await throughIndexes(inOrder(t, underRegion(t.code, village.slice(0, digits))).getSQL());
        expect(plan.map((n) => n["Node Type"])).not.toContain("Sort");
        expect(
          plan.filter((n) => n["Index Name"]).map((n) => [n["Index Name"], n["Index Cond"] !== undefined]),
        ).toEqual([[`${t.name}_${index}_id_idx`, true]]);
      });
    }
  }
});
