import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { openTestDatabase, onPostgres, type TestDatabase } from "../helpers/database.js";
import { commandEnv, startProcess } from "../helpers/processes.js";

/**
 * Production runs compiled JavaScript: `npm run build` compiles to dist/ (with the decorator
 * metadata type-graphql reads), and `NODE_ENV=production npm start` runs dist/src/main.js with node.
 */
describe("the production build", () => {
  let database: TestDatabase | undefined;
  afterAll(async () => database?.dispose());

  it("compiles with decorator metadata, and the compiled server answers a query", async () => {
    await promisify(execFile)("npm", ["run", "build"], { maxBuffer: 16_000_000 });
    const villageType = readFileSync("dist/src/modules/villages/village.type.js", "utf8");
    expect(villageType).toContain('__metadata("design:type"');

    let where: Record<string, string>;
    if (onPostgres) {
      database = await openTestDatabase();
      await database.close();
      where = { DATABASE_URL: database.url!, AUTO_SEED: "none" };
    } else {
      where = {
        DATABASE_URL: "",
        PGLITE_DIR: join(mkdtempSync(join(process.env.XG_TEST_AUDIT_DIR!, "pglite-")), "data"),
        AUTO_SEED: "demo",
      };
    }
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const server = startProcess(
      commandEnv({ ...where, NODE_ENV: "production", HOST: "127.0.0.1", PORT: String(port) }),
      ["scripts/start.mjs"],
    );
    try {
      await server.serving;
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: `{ villages(first: 1) { totalCount } }` }),
      });
      expect(await response.json()).toEqual({ data: { villages: { totalCount: 24 } } });
    } finally {
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
    }
    // tsc and the query page's bundle on two shared cores: minutes, not seconds.
  }, 900_000);
});
