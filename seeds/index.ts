/** The seed API used by the CLI, the server's auto-seed and the tests. */
import { sql } from "drizzle-orm";
import type { Database } from "../src/db/client.js";
import { DEFAULT_SEED, generate, scopeCount, TABLE_ORDER, type TableName, type Tier } from "./generate.js";
import { copyBatch, DEFAULT_CHUNK_ROWS, resetSequences } from "./load.js";

export {
  DEFAULT_SEED,
  generate,
  REFERENCE_DATE,
  TABLE_COLUMNS,
  TABLE_ORDER,
  type TableBatch,
  type Tier,
  tierPlan,
} from "./generate.js";
export { csvField, toCsv } from "./load.js";

export interface SeedProgress {
  /** "region" or a county's 6-digit code. */
  scope: string;
  /** 1-based index of the scope, out of `scopes`. */
  scopeIndex: number;
  scopes: number;
  table: TableName;
  /** Rows just written for `table` in this scope. */
  rows: number;
  /** Rows written so far, all tables. */
  totalRows: number;
}

export interface SeedOptions {
  tier: Tier;
  seed?: number;
  chunkRows?: number;
  onProgress?: (progress: SeedProgress) => void;
}

export interface SeedResult {
  counts: Record<string, number>;
  ms: number;
}

/**
 * Generates the tier and loads it into an already migrated, empty database; returns rows per
 * table and the elapsed milliseconds. Does not migrate and does not check emptiness (see isEmpty).
 */
export async function seedDatabase(database: Database, options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const counts: Record<string, number> = Object.fromEntries(TABLE_ORDER.map((t) => [t, 0]));
  const scopes = scopeCount(options.tier);
  let scopeIndex = 0;
  let lastScope = "";
  let totalRows = 0;
  for (const batch of generate({ tier: options.tier, seed: options.seed ?? DEFAULT_SEED })) {
    if (batch.scope !== lastScope) {
      scopeIndex++;
      lastScope = batch.scope;
    }
    await copyBatch(database, batch, options.chunkRows ?? DEFAULT_CHUNK_ROWS);
    counts[batch.table] = (counts[batch.table] ?? 0) + batch.rows.length;
    totalRows += batch.rows.length;
    options.onProgress?.({
      scope: batch.scope,
      scopeIndex,
      scopes,
      table: batch.table,
      rows: batch.rows.length,
      totalRows,
    });
  }
  await resetSequences(database);
  await database.rows(sql.raw("ANALYZE"));
  return { counts, ms: Math.round(performance.now() - started) };
}

/** True when the schema is absent or holds no regions and no agencies (nothing has been loaded). */
export async function isEmpty(database: Database): Promise<boolean> {
  const [exists] = await database.rows<{ regions: string | null; agencies: string | null }>(
    sql.raw(`SELECT to_regclass('public.regions')::text AS regions, to_regclass('public.agencies')::text AS agencies`),
  );
  if (!exists?.regions || !exists.agencies) return true;
  const [row] = await database.rows<{ empty: boolean }>(
    sql.raw(`SELECT NOT EXISTS (SELECT 1 FROM regions) AND NOT EXISTS (SELECT 1 FROM agencies) AS empty`),
  );
  return row?.empty === true;
}
