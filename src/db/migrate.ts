import { join } from "node:path";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import type { Database } from "./client.js";
import { projectRoot } from "../shared/project-root.js";

export const migrationsFolder = join(projectRoot, "drizzle");

/**
 * Applies the checked-in drizzle-kit migrations; a no-op when the database is current. `folder`
 * names another folder of the same shape (a test stops at an older migration with it).
 */
export async function migrate(database: Database, folder = migrationsFolder): Promise<void> {
  if (database.driver === "pglite") {
    await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder: folder });
  } else {
    await migratePostgres(database.db as unknown as PostgresJsDatabase, { migrationsFolder: folder });
  }
}
