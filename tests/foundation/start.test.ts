import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";

/** `npm start` on an empty PGlite folder: migrate, seed the demo tier, serve, stop cleanly. */
describe("starting and stopping the server", () => {
  it("serves GraphQL on a fresh folder, stops on SIGTERM, and leaves the folder intact", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "xg-start-"));
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: { ...process.env, DATABASE_URL: "", PGLITE_DIR: dataDir, PORT: String(port), LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on("data", (d: Buffer) => d.toString().includes("serving GraphQL") && resolve());
        void exited.then((code) => reject(new Error(`server exited early with ${code}`)));
      });
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: `{ villages(first: 1) { totalCount } }` }),
      });
      expect(await response.json()).toEqual({ data: { villages: { totalCount: 24 } } });
      child.kill("SIGTERM");
      expect(await exited).toBe(0);

      const database = await openDatabase({ dataDir });
      const [row] = await database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM households`);
      expect(row!.n).toBe(3140);
      await database.close();
    } finally {
      child.kill("SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    }
    // A process compiling TypeScript, migrating and seeding: beside another test file on two shared
    // cores it took 52–67 s to serve, past the default 60 s.
  }, 180_000);
});
