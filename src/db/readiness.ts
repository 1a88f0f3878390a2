import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { log } from "../shared/log.js";
import type { Database } from "./client.js";
import { databaseFailure } from "./failures.js";
import { migrationsFolder } from "./migrate.js";
import { abortError } from "./request-scope.js";

export interface Readiness {
  ready: boolean;
  database: "reachable" | "unreachable";
  migrations: "current" | "pending" | "unknown";
}

/** Longest /ready waits for the database: a load balancer's check must not hang with it. */
const TIMEOUT_MS = 1000;
/** SQLSTATEs of a database never migrated: no `drizzle` schema, no migrations table. */
const NEVER_MIGRATED = new Set(["3F000", "42P01"]);

let newest: number | undefined;

/**
 * Whether this server can serve (for /ready; /health says only that the process is alive): the
 * database answers within a second, and the newest checked-in migration has been applied (the
 * same test drizzle's migrator makes before applying anything).
 */
export async function readiness(database: Database): Promise<Readiness> {
  newest ??= Math.max(0, ...readMigrationFiles({ migrationsFolder }).map((m) => m.folderMillis));
  try {
    const [row] = await database.scope(AbortSignal.timeout(TIMEOUT_MS), (signal) =>
      untilAborted(
        () => database.rows<{ last: unknown }>(sql`SELECT max(created_at) AS last FROM drizzle.__drizzle_migrations`),
        signal,
      ),
    );
    const current = Number(row?.last ?? 0) >= newest;
    return { ready: current, database: "reachable", migrations: current ? "current" : "pending" };
  } catch (error) {
    if (databaseFailure(error)) return { ready: false, database: "unreachable", migrations: "unknown" };
    const code = sqlState(error);
    if (code && NEVER_MIGRATED.has(code)) return { ready: false, database: "reachable", migrations: "pending" };
    log("warn", "readiness check failed", { error: String(error) });
    return { ready: false, database: "reachable", migrations: "unknown" };
  }
}

function sqlState(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === "string") return e.code;
  }
  return undefined;
}

/** A statement on a dead link may never settle, even cancelled: stop waiting (as timed out) when the signal aborts. */
function untilAborted<T>(work: () => Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(abortError(signal));
    if (signal.aborted) return stop();
    signal.addEventListener("abort", stop, { once: true });
    work()
      .then(resolve, reject)
      .finally(() => signal.removeEventListener("abort", stop));
  });
}
