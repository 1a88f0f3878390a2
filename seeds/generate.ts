/**
 * The deterministic seed generator: tier + seed → rows per table, yielded in foreign-key order.
 * One "scope" at a time: first the regions and region-wide agencies (regions.ts), then one county
 * at a time (county.ts: its agencies, cadres, villages, households with their people and records,
 * projects and assets), so the city tier never holds more than one county in memory. Ids are
 * assigned explicitly and sequentially; household_events carry no id (its identity column is
 * GENERATED ALWAYS). Pure: no clock, no Math.random; every random choice comes from a Random keyed
 * by (seed, scope). Rows are typed from the table definitions (tables.ts).
 */
import { countyScope } from "./county.js";
import { tierPlan, type Tier } from "./plan.js";
import { regionScope, type RegionContext } from "./regions.js";
import { TABLE_COLUMNS, TABLE_ORDER, type TableBatch } from "./tables.js";

export { type Tier, tierPlan } from "./plan.js";
export { INCOME_YEARS, REFERENCE_DATE } from "./calendar.js";
export {
  type Cell,
  type Row,
  TABLE_COLUMNS,
  TABLE_ORDER,
  type TableBatch,
  type TableName,
  TABLES_WITH_IDS,
} from "./tables.js";

export interface GenerateOptions {
  tier: Tier;
  seed?: number;
}

export const DEFAULT_SEED = 42;

/** Rows per table in FK order, one scope (regions, then each county) at a time. */
export function* generate(options: GenerateOptions): Generator<TableBatch> {
  const seed = options.seed ?? DEFAULT_SEED;
  const plan = tierPlan(options.tier);
  const ctx: RegionContext = {
    pairable: [],
    eastWest: [],
    nextId: {
      agency: 1,
      cadre: 1,
      village: 1,
      household: 1,
      member: 1,
      project: 1,
      asset: 1,
      ava: 1,
      cva: 1,
      cha: 1,
      case: 1,
      alert: 1,
      objection: 1,
      assistance: 1,
      followUp: 1,
    },
  };
  yield* regionScope(plan, seed, ctx);
  for (const county of plan.counties) {
    const tables = countyScope(plan, county, seed, ctx);
    for (const table of TABLE_ORDER) {
      const rows = tables.get(table)!;
      if (rows.length > 0) yield { scope: county.code6, table, columns: TABLE_COLUMNS[table], rows };
    }
  }
}

/** How many scopes `generate` walks through (for progress bars): the regions plus each county. */
export function scopeCount(tier: Tier): number {
  return 1 + tierPlan(tier).counties.length;
}
