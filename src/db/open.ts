import type { Config } from "../config.js";
import { openDatabase, type Database } from "./client.js";

/**
 * The configured database, opened the one way every entry point opens it (server, seeds, CLIs,
 * benchmarks): PostgreSQL at DATABASE_URL when set, else the PGlite folder PGLITE_DIR.
 */
export function openConfiguredDatabase(config: Config, options: { max?: number } = {}): Promise<Database> {
  return openDatabase(
    config.DATABASE_URL
      ? { url: config.DATABASE_URL, statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS, ...options }
      : { dataDir: config.PGLITE_DIR, ...options },
  );
}

/** Where that is, for people (the URL without its credentials). */
export function describeDatabase(config: Config): string {
  return config.DATABASE_URL
    ? `PostgreSQL ${config.DATABASE_URL.replace(/\/\/[^@/]*@/, "//")}`
    : `embedded PGlite (${config.PGLITE_DIR})`;
}
