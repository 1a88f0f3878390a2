import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { seedDatabase } from "../../seeds/index.js";
import { openDatabase } from "../../src/db/client.js";
import { migrate } from "../../src/db/migrate.js";
import { openTestDatabase, onPostgres, type TestDatabase } from "../helpers/database.js";
import { commandEnv, runCommand, STACK_LINE, startProcess } from "../helpers/processes.js";

/**
 * A seed load cut short (Ctrl-C during `npm run seed`, a kill, a crash): the load stops, what was written stays marked unfinished, and
 * `npm start` refuses to serve it, printing the command that repairs it — which then works.
 */
describe("an interrupted seed", () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const d of databases) await d.dispose();
  });

  /** A fresh database for the commands: a PGlite folder, or an empty PostgreSQL database. */
  async function freshDatabase(): Promise<Record<string, string>> {
    if (!onPostgres) {
      return {
        DATABASE_URL: "",
        PGLITE_DIR: join(mkdtempSync(join(process.env.XG_TEST_AUDIT_DIR!, "pglite-")), "data"),
      };
    }
    const database = await openTestDatabase({ seed: false });
    databases.push(database);
    await database.close();
    return { DATABASE_URL: database.url! };
  }

  it("is refused by npm start with the repair command, and the repair command repairs it", async () => {
    const where = await freshDatabase();
    const env = commandEnv({ ...where, CI: "1" });
    // The seed stopped after its first table, as Ctrl-C stops `npm run seed` between two batches.
    const database = await openDatabase(
      where.DATABASE_URL ? { url: where.DATABASE_URL } : { dataDir: where.PGLITE_DIR },
    );
    await migrate(database);
    const interrupt = new AbortController();
    await expect(
      seedDatabase(database, { tier: "demo", signal: interrupt.signal, onProgress: () => interrupt.abort() }),
    ).rejects.toThrow();
    await database.close();

    const server = startProcess({ ...env, PORT: "0" });
    expect(await server.exited).toBe(1);
    const said = server
      .output()
      .stderr.replace(/^!!.*\n/gm, "")
      .trim();
    expect(said).toMatch(/^Refusing to serve .*: it holds an unfinished seed load \(tier demo, started [-0-9T:.Z]+/);
    expect(said).toMatch(/Replace it with: npm run seed -- --tier demo --reset$/);
    expect(said).not.toMatch(STACK_LINE);

    const again = await runCommand("seeds/cli.ts", ["--tier", "demo"], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("holds an unfinished load of tier demo");

    const repaired = await runCommand("seeds/cli.ts", ["--tier", "demo", "--reset"], env);
    expect(repaired.stderr).toContain("Resetting");
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toMatch(/households\s+3,140/);
    const serving = startProcess({ ...env, PORT: "0" });
    try {
      await serving.serving;
    } finally {
      serving.child.kill("SIGTERM");
      await serving.exited;
    }
  }, 600_000);
});
