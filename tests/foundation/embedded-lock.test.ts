import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { migrate } from "../../src/db/migrate.js";
import { FolderLockedError, lockFileOf } from "../../src/db/folder-lock.js";
import { onPostgres } from "../helpers/database.js";
import { commandEnv, runCommand, STACK_LINE } from "../helpers/processes.js";

/**
 * PGlite is the database inside one process: a second process on the same folder would corrupt it.
 * So the second one is refused at once, told who holds the folder and what to do instead.
 */
describe.skipIf(onPostgres)("one process per embedded database folder (PGlite only: PostgreSQL serves many)", () => {
  const folder = () => join(mkdtempSync(join(process.env.XG_TEST_AUDIT_DIR!, "pglite-")), "data");

  it("refuses the CLIs while another process holds the folder, naming it and saying what to do", async () => {
    const dataDir = folder();
    const holder = await openDatabase({ dataDir });
    await migrate(holder);
    try {
      const env = commandEnv({ DATABASE_URL: "", PGLITE_DIR: dataDir });
      const [apiKey, seed, verify] = await Promise.all([
        runCommand("src/cli/api-key.ts", ["create", "--name", "监测平台", "--department", "HEALTH"], env),
        runCommand("seeds/cli.ts", ["--tier", "demo", "--reset"], env),
        runCommand("src/cli/audit-verify.ts", [], env),
      ]);
      for (const ran of [apiKey, seed, verify]) {
        expect(ran.code).not.toBe(0);
        const said = ran.stderr.trim();
        expect(said).toContain(`The embedded database ${dataDir} is in use by process ${process.pid} (`);
        expect(said).toMatch(/, since \d{4}-\d\d-\d\dT[\d:.]+Z\)/);
        expect(said).toContain("Stop that process first, or use PostgreSQL (set DATABASE_URL)");
        expect(said).not.toMatch(STACK_LINE);
      }
      // Nothing was written behind the holder's back.
      expect(await holder.rows(sqlCount("api_keys"))).toEqual([{ n: 0 }]);
    } finally {
      await holder.close();
    }
    expect(existsSync(lockFileOf(dataDir))).toBe(false);
  }, 600_000);

  it("refuses a second open in the same process too", async () => {
    const dataDir = folder();
    const first = await openDatabase({ dataDir });
    try {
      await expect(openDatabase({ dataDir })).rejects.toBeInstanceOf(FolderLockedError);
    } finally {
      await first.close();
    }
    const again = await openDatabase({ dataDir });
    await again.close();
  }, 300_000);

  it("takes over the lock of a process that died without releasing it", async () => {
    const dataDir = folder();
    const gone = spawnSync(process.execPath, ["-e", "process.exit(0)"]).pid!;
    writeFileSync(
      lockFileOf(dataDir),
      JSON.stringify({ pid: gone, command: "killed", since: new Date().toISOString() }),
    );
    const database = await openDatabase({ dataDir });
    expect(JSON.parse(readFileSync(lockFileOf(dataDir), "utf8"))).toMatchObject({ pid: process.pid });
    await database.close();
    expect(existsSync(lockFileOf(dataDir))).toBe(false);
  }, 300_000);
});

function sqlCount(table: string) {
  return sql.raw(`SELECT count(*)::int AS n FROM ${table}`);
}
