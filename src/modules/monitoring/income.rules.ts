import { sql } from "drizzle-orm";
import type { Context } from "../../context.js";
import type { Drizzle } from "../../db/client.js";
import type { RowChange } from "../../writes/after-write.js";
import type { NewAlert } from "./alert.repository.js";

type Candidate = Omit<NewAlert, "department" | "raisedBy" | "helperCadreId">;

interface YearFacts {
  household_id: number;
  village_code: string;
  year: number;
  /** The income of the year, or of the latest year before it when none was recorded for it. */
  income_year: number | null;
  per_capita: string | null;
  net: string | null;
  line: string | null;
  /** The latest income before `income_year`. */
  previous_year: number | null;
  previous_per_capita: string | null;
  rigid: string | null;
  latest_year: number | null;
}

const num = (v: string | null) => (v === null ? null : Number(v));

/** The years a household write touched in its incomes or rigid expenditures. */
function touchedYears(changes: readonly RowChange[]): { householdId: number; year: number; incomes: boolean }[] {
  const out = new Map<string, { householdId: number; year: number; incomes: boolean }>();
  for (const { after, fields, record } of changes) {
    const children = record.children;
    if (!children || !fields.includes(children.field)) continue;
    if (children.field !== "incomes" && children.field !== "rigidExpenditures") continue;
    for (const row of children.rows) {
      const householdId = after.id as number;
      const year = row.year as number;
      const key = `${householdId}|${year}`;
      const seen = out.get(key);
      out.set(key, { householdId, year, incomes: (seen?.incomes ?? false) || children.field === "incomes" });
    }
  }
  return [...out.values()];
}

/**
 * Income and expenditure rules (定期监测其收入支出状况), after a write of incomes or rigid
 * expenditures, from the rows as the write left them (one statement for the whole batch):
 * - the household's latest per-capita net income below its monitoring line → food and clothing
 *   UNMET (GUARANTEE_UNMET, FOOD_AND_CLOTHING);
 * - per-capita net income fallen by more than INCOME_DROP_ALERT_SHARE from the year before → INCOME_DROP;
 * - the year's rigid expenditure above RIGID_EXPENDITURE_ALERT_SHARE of the household's net income
 *   → RIGID_EXPENDITURE.
 */
export async function incomeSignals(ctx: Context, tx: Drizzle, changes: readonly RowChange[]): Promise<Candidate[]> {
  const touched = touchedYears(changes);
  if (!touched.length) return [];
  const pairs = sql.join(
    touched.map((t) => sql`(${t.householdId}::int, ${t.year}::int)`),
    sql`, `,
  );
  const rows = (await tx.execute(sql`
    SELECT w.household_id, h.village_code, w.year,
           i.year AS income_year, i.per_capita_net_income AS per_capita,
           i.wages + i.production + i.property + i.transfer - i.production_costs AS net,
           monitoring_line(i.year, h.village_code) AS line,
           p.year AS previous_year, p.per_capita_net_income AS previous_per_capita,
           (SELECT sum(r.amount) FROM household_rigid_expenditures r
             WHERE r.household_id = w.household_id AND r.year = w.year) AS rigid,
           (SELECT max(l.year) FROM household_incomes l WHERE l.household_id = w.household_id) AS latest_year
    FROM (VALUES ${pairs}) AS w(household_id, year)
    JOIN households h ON h.id = w.household_id
    LEFT JOIN LATERAL (SELECT * FROM household_incomes x
      WHERE x.household_id = w.household_id AND x.year <= w.year ORDER BY x.year DESC LIMIT 1) i ON true
    LEFT JOIN LATERAL (SELECT y.year, y.per_capita_net_income FROM household_incomes y
      WHERE y.household_id = w.household_id AND y.year < i.year ORDER BY y.year DESC LIMIT 1) p ON true
  `)) as unknown as { rows?: YearFacts[] } | YearFacts[];
  const facts = Array.isArray(rows) ? rows : (rows.rows ?? []);
  const byKey = new Map(touched.map((t) => [`${t.householdId}|${t.year}`, t]));
  const dropShare = ctx.config.INCOME_DROP_ALERT_SHARE;
  const rigidShare = ctx.config.RIGID_EXPENDITURE_ALERT_SHARE;
  const candidates: Candidate[] = [];
  for (const f of facts) {
    const wrote = byKey.get(`${f.household_id}|${f.year}`)!;
    const base = { householdId: f.household_id, villageCode: f.village_code, memberId: null };
    const perCapita = num(f.per_capita);
    const line = num(f.line);
    // Incomes of the year itself (not an earlier year's standing in for it).
    const ownYear = f.income_year === f.year && perCapita !== null;
    if (wrote.incomes && ownYear && f.latest_year === f.year && line !== null && perCapita < line) {
      candidates.push({
        ...base,
        signal: "GUARANTEE_UNMET",
        guaranteeItem: "FOOD_AND_CLOTHING",
        trigger: {
          field: "HouseholdIncome.perCapitaNetIncome",
          oldValue: null,
          newValue: perCapita,
          threshold: line,
          year: f.year,
          basis: `${f.year} per-capita net income below the monitoring line`,
        },
      });
    }
    const previous = num(f.previous_per_capita);
    if (
      wrote.incomes &&
      ownYear &&
      previous !== null &&
      previous > 0 &&
      (previous - perCapita) / previous > dropShare
    ) {
      candidates.push({
        ...base,
        signal: "INCOME_DROP",
        guaranteeItem: null,
        trigger: {
          field: "HouseholdIncome.perCapitaNetIncome",
          oldValue: previous,
          newValue: perCapita,
          threshold: Math.round(previous * (1 - dropShare) * 100) / 100,
          year: f.year,
          previousYear: f.previous_year,
          share: dropShare,
          basis: `per-capita net income fell by more than ${Math.round(dropShare * 100)}% from ${f.previous_year}`,
        },
      });
    }
    const rigid = num(f.rigid);
    const net = num(f.net);
    if (rigid !== null && rigid > 0 && net !== null && rigid > rigidShare * Math.max(net, 0)) {
      candidates.push({
        ...base,
        signal: "RIGID_EXPENDITURE",
        guaranteeItem: null,
        trigger: {
          field: "Household.rigidExpenditures",
          oldValue: net,
          newValue: rigid,
          threshold: Math.round(rigidShare * Math.max(net, 0) * 100) / 100,
          year: f.year,
          incomeYear: f.income_year,
          share: rigidShare,
          basis: `${f.year} rigid expenditure above ${Math.round(rigidShare * 100)}% of the household's net income`,
        },
      });
    }
  }
  return candidates;
}
