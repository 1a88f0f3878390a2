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
  /** Stops between batches once aborted (Ctrl-C): the load is left partial, and marked so. */
  signal?: AbortSignal;
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
  // Written (and committed) before the first row, cleared after the last: a load cut short by
  // Ctrl-C, a kill or a crash leaves the marker, and `npm start` refuses to serve the partial data.
  await markSeedStarted(database, options.tier, options.seed ?? DEFAULT_SEED);
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
    options.signal?.throwIfAborted();
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
  await database.rows(sql.raw(`DROP TABLE ${MARKER}`));
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

/**
 * The marker of a seed load under way: a table of its own, outside the migrations (a --reset drops
 * it with the rest of the public schema). Present after a load = the load did not finish.
 */
const MARKER = "seed_in_progress";

export interface UnfinishedSeed {
  tier: string;
  seed: number;
  startedAt: string;
}

async function markSeedStarted(database: Database, tier: string, seed: number): Promise<void> {
  await database.rows(
    sql.raw(
      `CREATE TABLE IF NOT EXISTS ${MARKER} (tier text NOT NULL, seed integer NOT NULL, started_at timestamptz NOT NULL DEFAULT now())`,
    ),
  );
  await database.rows(sql`INSERT INTO ${sql.raw(MARKER)} (tier, seed) VALUES (${tier}, ${seed})`);
}

/** The seed load that was started and never finished, if any (see seedDatabase). */
export async function unfinishedSeed(database: Database): Promise<UnfinishedSeed | null> {
  const [exists] = await database.rows<{ marker: string | null }>(
    sql.raw(`SELECT to_regclass('public.${MARKER}')::text AS marker`),
  );
  if (!exists?.marker) return null;
  const [row] = await database.rows<{ tier: string; seed: number; started_at: string | Date }>(
    sql.raw(`SELECT tier, seed, started_at FROM ${MARKER} ORDER BY started_at LIMIT 1`),
  );
  if (!row) return null;
  return { tier: row.tier, seed: row.seed, startedAt: new Date(row.started_at).toISOString() };
}

/** The command that replaces a partial load with a whole one. */
export function repairCommand(unfinished: UnfinishedSeed): string {
  return `npm run seed -- --tier ${unfinished.tier}${unfinished.seed === DEFAULT_SEED ? "" : ` --seed ${unfinished.seed}`} --reset`;
}
