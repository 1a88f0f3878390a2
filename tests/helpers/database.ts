import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openDatabase, type Database } from "../../src/db/client.js";
import { migrate } from "../../src/db/migrate.js";
import { seedDatabase } from "../../seeds/index.js";

export interface TestDatabase extends Database {
  /** On PostgreSQL, the URL of the database made for the test file (a test may open more clients on it). */
  url?: string;
  /** Closes the connection and, on PostgreSQL, drops the database made for the test file. */
  dispose(): Promise<void>;
}

/**
 * A real, migrated database for one test file: an in-memory PGlite by default, or, when
 * DATABASE_URL is set, a fresh PostgreSQL database created beside it and dropped afterwards.
 */
export async function openTestDatabase(
  options: { seed?: "demo" | false; recordSql?: boolean; migrationsFolder?: string } = {},
): Promise<TestDatabase> {
  const seed = options.seed ?? "demo";
  const url = process.env.DATABASE_URL;
  let database: Database;
  let drop: (() => Promise<void>) | undefined;
  let databaseUrl: string | undefined;
  if (url) {
    const name = `xg_test_${process.pid}_${randomBytes(4).toString("hex")}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    const testUrl = new URL(url);
    testUrl.pathname = `/${name}`;
    databaseUrl = testUrl.toString();
    database = await openDatabase({ url: databaseUrl, recordSql: options.recordSql });
    drop = async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    };
  } else {
    database = await openDatabase({ recordSql: options.recordSql });
  }
  await migrate(database, options.migrationsFolder);
  if (seed) await seedDatabase(database, { tier: seed });
  database.statements.count = 0;
  return Object.assign(database, {
    url: databaseUrl,
    async dispose() {
      await database.close();
      await drop?.();
    },
  });
}

export const onPostgres = Boolean(process.env.DATABASE_URL);
