import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, migrationsFolder } from "../../src/db/migrate.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";

/**
 * Households recorded while monitoring was a poverty status (MONITORED), as the registry's writes
 * left them before monitoring was kept apart: the migrations that followed must give each its
 * poverty status back and its monitoring beside it — an edge household never becomes 已脱贫, and a
 * never-poor household that fell into poverty is 致贫, not 返贫.
 */
const VILLAGE = "431221100001";

interface Legacy {
  number: string;
  status: string;
  type: string | null;
  identified: number;
  exited?: number;
  /** Written by the cases' first version (migration 0013), not before. */
  since0013?: boolean;
  events: [kind: string, on: string, from: string | null, to: string, type?: string | null][];
}

const legacy: Record<string, Legacy> = {
  // 脱贫不稳定户 placed under monitoring after exiting.
  unstable: {
    number: "0001",
    status: "MONITORED",
    type: "UNSTABLE",
    identified: 2016,
    exited: 2019,
    events: [
      ["IDENTIFIED", "2016-05-01", null, "POOR"],
      ["EXITED", "2019-11-01", "POOR", "EXITED"],
      ["PLACED_UNDER_MONITORING", "2023-03-01", "EXITED", "MONITORED", "UNSTABLE"],
    ],
  },
  // 边缘易致贫户 registered straight into monitoring: never registered poor.
  edge: {
    number: "0002",
    status: "MONITORED",
    type: "MARGINAL",
    identified: 2022,
    events: [["IDENTIFIED", "2022-04-01", null, "MONITORED", "MARGINAL"]],
  },
  // An edge household whose risk the old ELIMINATE_RISK ended by "exiting" it.
  edgeEliminated: {
    number: "0003",
    status: "EXITED",
    type: null,
    identified: 2021,
    events: [
      ["IDENTIFIED", "2021-04-01", null, "MONITORED", "MARGINAL"],
      ["RISK_ELIMINATED", "2023-09-01", "MONITORED", "EXITED", "MARGINAL"],
    ],
  },
  // A 脱贫不稳定户 registered straight into monitoring (no exit year), its risk since eliminated.
  unstableEliminated: {
    number: "0004",
    status: "EXITED",
    type: null,
    identified: 2021,
    events: [
      ["IDENTIFIED", "2021-04-01", null, "MONITORED", "UNSTABLE"],
      ["RISK_ELIMINATED", "2023-09-01", "MONITORED", "EXITED", "UNSTABLE"],
    ],
  },
  // An edge household that fell into poverty: the old RETURN_TO_POVERTY called it 返贫.
  edgeFell: {
    number: "0005",
    status: "RETURNED",
    type: null,
    identified: 2021,
    events: [
      ["IDENTIFIED", "2021-04-01", null, "MONITORED", "MARGINAL"],
      ["RETURNED_TO_POVERTY", "2023-05-01", "MONITORED", "RETURNED", "MARGINAL"],
    ],
  },
  // 致贫 as the cases' first version recorded it: status POOR.
  becamePoor: {
    number: "0006",
    since0013: true,
    status: "POOR",
    type: null,
    identified: 2021,
    events: [
      ["IDENTIFIED", "2021-04-01", null, "NOT_POOR"],
      ["BECAME_POOR", "2023-05-01", "NOT_POOR", "POOR"],
    ],
  },
  // A true 返贫: exited, monitored, fell back.
  returned: {
    number: "0007",
    status: "RETURNED",
    type: null,
    identified: 2016,
    exited: 2019,
    events: [
      ["IDENTIFIED", "2016-05-01", null, "POOR"],
      ["EXITED", "2019-11-01", "POOR", "EXITED"],
      ["PLACED_UNDER_MONITORING", "2022-03-01", "EXITED", "MONITORED", "UNSTABLE"],
      ["RETURNED_TO_POVERTY", "2023-05-01", "MONITORED", "RETURNED", "UNSTABLE"],
    ],
  },
};

/** The checked-in migrations up to `last`, in a folder of their own. */
function migrationsUpTo(last: string): string {
  const dir = mkdtempSync(join(tmpdir(), "xg-migrations-"));
  const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as {
    entries: { tag: string }[];
  };
  const entries = journal.entries.slice(0, journal.entries.findIndex((e) => e.tag === last) + 1);
  mkdirSync(join(dir, "meta"));
  writeFileSync(join(dir, "meta", "_journal.json"), JSON.stringify({ ...journal, entries }));
  for (const { tag } of entries) cpSync(join(migrationsFolder, `${tag}.sql`), join(dir, `${tag}.sql`));
  return dir;
}

async function insertLegacy(database: TestDatabase, since0013: boolean): Promise<void> {
  await database.rows(sql`INSERT INTO regions (code, name, level, parent_code) VALUES
    ('430000000000', '湖南省', 'PROVINCE', NULL),
    ('431200000000', '怀化市', 'CITY', '430000000000'),
    ('431221000000', '中方县', 'COUNTY', '431200000000'),
    ('431221100000', '中方镇', 'TOWNSHIP', '431221000000')`);
  await database.rows(sql`INSERT INTO villages (code, name, township_code, poverty_status)
    VALUES (${VILLAGE}, '荆坪村', '431221100000', 'NOT_POOR')`);
  for (const h of Object.values(legacy).filter((h) => since0013 || !h.since0013)) {
    const [row] = await database.rows<{ id: number }>(sql`INSERT INTO households
      (household_number, village_code, address, attribute, status, identified_year, exited_year, primary_cause, monitoring_type)
      VALUES (${VILLAGE + h.number}, ${VILLAGE}, '荆坪村一组', 'GENERAL', ${h.status}, ${h.identified}, ${h.exited ?? null},
        'ILLNESS', ${h.type}) RETURNING id`);
    for (const [kind, on, from, to, type] of h.events) {
      // What the write engine recorded then: the standing before and after, as {status, monitoringType}.
      const oldValue = from
        ? JSON.stringify({ status: from, monitoringType: from === "MONITORED" ? type : null })
        : null;
      const newValue = JSON.stringify({ status: to, monitoringType: to === "MONITORED" ? type : null });
      await database.rows(sql`INSERT INTO household_events
        (household_id, kind, occurred_on, from_status, to_status, field, old_value, new_value, reason, recorded_by, department)
        VALUES (${row!.id}, ${kind}, ${on}, ${from}, ${to}, 'Household.status', ${oldValue}::jsonb, ${newValue}::jsonb,
          '动态管理', 'legacy', 'RURAL_REVITALIZATION')`);
    }
  }
}

// Upgraded from before the cases (0013 and what follows applied in one transaction) and from
// just before monitoring was kept apart.
describe.each([
  { last: "0012_incomes_and_screening", since0013: false },
  { last: "0013_monitoring_cases", since0013: true },
])("households recorded while monitoring was a poverty status, upgraded from $last", ({ last, since0013 }) => {
  let database: TestDatabase;
  let folder: string;

  beforeAll(async () => {
    folder = migrationsUpTo(last);
    database = await openTestDatabase({ seed: false, migrationsFolder: folder });
    await insertLegacy(database, since0013);
    await migrate(database);
  });
  afterAll(async () => {
    await database?.dispose();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  const standing = async (name: keyof typeof legacy) => {
    const [row] = await database.rows<{ status: string; monitoring_status: string; monitoring_type: string | null }>(
      sql`SELECT status::text, monitoring_status::text, monitoring_type::text FROM households
        WHERE household_number = ${VILLAGE + legacy[name]!.number}`,
    );
    return row;
  };
  /** Each status event as the history now holds it: kind, from → to, and the standing it recorded. */
  const history = async (name: keyof typeof legacy) =>
    database.rows<{
      kind: string;
      on: string;
      from: string | null;
      to: string;
      monitoring: string;
      type: string | null;
    }>(
      sql`SELECT e.kind::text, e.occurred_on::text AS on, e.from_status::text AS from, e.to_status::text AS to,
          e.new_value->>'status' AS recorded, e.new_value->>'monitoringStatus' AS monitoring,
          e.new_value->>'monitoringType' AS type
        FROM household_events e JOIN households h ON h.id = e.household_id
        WHERE h.household_number = ${VILLAGE + legacy[name]!.number} AND e.to_status IS NOT NULL
        ORDER BY e.occurred_on, e.id`,
    );

  it("keeps a monitored 脱贫不稳定户 exited, monitored beside it, and its history says so day by day", async () => {
    expect(await standing("unstable")).toEqual({
      status: "EXITED",
      monitoring_status: "MONITORED",
      monitoring_type: "UNSTABLE",
    });
    expect((await history("unstable")).map((e) => [e.kind, e.from, e.to, e.monitoring])).toEqual([
      ["IDENTIFIED", null, "POOR", "NOT_MONITORED"],
      ["EXITED", "POOR", "EXITED", "NOT_MONITORED"],
      ["PLACED_UNDER_MONITORING", "EXITED", "EXITED", "MONITORED"],
    ]);
  });

  it("gives an edge household registered into monitoring NOT_POOR, never EXITED", async () => {
    expect(await standing("edge")).toEqual({
      status: "NOT_POOR",
      monitoring_status: "MONITORED",
      monitoring_type: "MARGINAL",
    });
  });

  it("leaves poverty status where it was when a risk was eliminated: an edge household is not exited", async () => {
    expect(await standing("edgeEliminated")).toEqual({
      status: "NOT_POOR",
      monitoring_status: "RISK_ELIMINATED",
      monitoring_type: "MARGINAL",
    });
    expect((await history("edgeEliminated")).map((e) => [e.kind, e.from, e.to, e.monitoring, e.type])).toEqual([
      ["IDENTIFIED", null, "NOT_POOR", "MONITORED", "MARGINAL"],
      ["RISK_ELIMINATED", "NOT_POOR", "NOT_POOR", "RISK_ELIMINATED", "MARGINAL"],
    ]);
    expect(await standing("unstableEliminated")).toEqual({
      status: "EXITED",
      monitoring_status: "RISK_ELIMINATED",
      monitoring_type: "UNSTABLE",
    });
    expect((await history("unstableEliminated")).map((e) => [e.kind, e.from, e.to])).toEqual([
      ["IDENTIFIED", null, "EXITED"],
      ["RISK_ELIMINATED", "EXITED", "EXITED"],
    ]);
  });

  it("counts a never-poor household's fall into poverty as 致贫 and an exited one's as 返贫", async () => {
    expect((await standing("edgeFell"))!.status).toBe("NEWLY_POOR");
    expect((await history("edgeFell")).at(-1)).toMatchObject({
      kind: "BECAME_POOR",
      from: "NOT_POOR",
      to: "NEWLY_POOR",
    });
    if (since0013) {
      expect((await standing("becamePoor"))!.status).toBe("NEWLY_POOR");
      expect((await history("becamePoor")).at(-1)).toMatchObject({
        kind: "BECAME_POOR",
        from: "NOT_POOR",
        to: "NEWLY_POOR",
      });
    }
    expect((await standing("returned"))!.status).toBe("RETURNED");
    expect((await history("returned")).at(-1)).toMatchObject({
      kind: "RETURNED_TO_POVERTY",
      from: "EXITED",
      to: "RETURNED",
    });
  });

  it("records in every converted event the poverty status its columns hold", async () => {
    const mismatched = await database.rows(
      sql`SELECT id FROM household_events WHERE to_status IS NOT NULL AND new_value->>'status' IS DISTINCT FROM to_status::text`,
    );
    expect(mismatched).toEqual([]);
  });
});
