import { sql } from "drizzle-orm";
import type { Config } from "../../config.js";
import type { Drizzle } from "../../db/client.js";
import { announceAlerts } from "../monitoring/alert.repository.js";
import { countHouseholds, raiseRuleAlerts } from "./screening.repository.js";
import { SCREENING_RULES } from "./screening.rules.js";

export interface ScreeningRunOptions {
  /** Region code prefix to screen under; "" = everywhere. */
  region: string;
  /** The department the alerts are raised for (the owner of monitoring, from the policy) and who ran it. */
  department: string;
  raisedBy: string;
  /** Only these rules (default: all). */
  rules?: readonly string[];
}

export interface ScreeningRunResult {
  householdsScreened: number;
  rules: { rule: string; found: number; raised: number }[];
  alertsRaised: number;
  ms: number;
}

/**
 * A screening run (部门筛查预警, 003: 强化各行业部门数据比对…定期筛查): every rule compares the
 * departments' data over the whole region in one set-based statement and raises an alert, with
 * each side's evidence, for every household it finds that has no alert of that rule still being
 * worked. One transaction: a failed run raises nothing. Statements: one count, one per rule, one
 * notification.
 */
export async function runScreening(db: Drizzle, config: Config, o: ScreeningRunOptions): Promise<ScreeningRunResult> {
  const started = Date.now();
  // The region as a range of the village code (the rules alias households as h): an index range scan.
  const scoped = o.region
    ? sql`h.village_code BETWEEN ${o.region.padEnd(12, "0")} AND ${o.region.padEnd(12, "9")}`
    : sql`TRUE`;
  const rules = SCREENING_RULES.filter((r) => !o.rules || o.rules.includes(r.code));
  return db.transaction(async (tx) => {
    const householdsScreened = await countHouseholds(tx, scoped);
    const results: ScreeningRunResult["rules"] = [];
    const raised: number[] = [];
    for (const rule of rules) {
      const { found, ids } = await raiseRuleAlerts(tx, rule, rule.query({ config, inScope: scoped }), o);
      results.push({ rule: rule.code, found, raised: ids.length });
      raised.push(...ids);
    }
    await announceAlerts(tx, raised);
    return { householdsScreened, rules: results, alertsRaised: raised.length, ms: Date.now() - started };
  });
}
