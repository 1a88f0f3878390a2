import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onPostgres } from "../helpers/database.js";
import { commandEnv, runCommand, STACK_LINE, startProcess, type Ran } from "../helpers/processes.js";

/** What a user sees when something is wrong: one sentence with the cause, a non-zero exit, no stack. */
function expectOneSentence(ran: Ran, cause: string | RegExp) {
  expect(ran.code).not.toBe(0);
  const text = ran.stderr.replace(/^!!.*\n/gm, "").trim();
  expect(text.split("\n")).toHaveLength(1);
  expect(text).toMatch(cause);
  expect(text).not.toMatch(STACK_LINE);
}

describe("failing clearly", () => {
  const pgliteDir = () => join(mkdtempSync(join(process.env.XG_TEST_AUDIT_DIR!, "pglite-")), "data");

  it("says the server cannot reach PostgreSQL, with the refused address", async () => {
    const server = startProcess(commandEnv({ DATABASE_URL: "postgres://postgres@127.0.0.1:1/nowhere", PORT: "0" }));
    expect(await server.exited).toBe(1);
    expectOneSentence(
      { code: 1, ...server.output() },
      "Xiangcun Graph cannot start: cannot reach the database (PostgreSQL postgres://127.0.0.1:1/nowhere): connect ECONNREFUSED 127.0.0.1:1.",
    );
  }, 300_000);

  describe.skipIf(!onPostgres)("on a PostgreSQL server that answers (DATABASE_URL)", () => {
    const at = (change: (url: URL) => void) => {
      const url = new URL(process.env.DATABASE_URL!);
      change(url);
      return url.toString();
    };

    it("names a database that does not exist", async () => {
      const server = startProcess(
        commandEnv({ DATABASE_URL: at((u) => (u.pathname = "/xg_no_such_database")), PORT: "0" }),
      );
      expect(await server.exited).toBe(1);
      expectOneSentence({ code: 1, ...server.output() }, 'database "xg_no_such_database" does not exist');
    }, 300_000);

    it("names a role that does not exist", async () => {
      const server = startProcess(commandEnv({ DATABASE_URL: at((u) => (u.username = "xg_no_such_role")), PORT: "0" }));
      expect(await server.exited).toBe(1);
      expectOneSentence({ code: 1, ...server.output() }, 'role "xg_no_such_role" does not exist');
    }, 300_000);
  });

  describe("a port already in use", () => {
    let taken: Server;
    beforeAll(async () => {
      taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    });
    afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

    it("stops the second server with the port's number, instead of running half-started", async () => {
      const port = (taken.address() as AddressInfo).port;
      const env: Record<string, string> = onPostgres ? {} : { DATABASE_URL: "", PGLITE_DIR: pgliteDir() };
      const server = startProcess(commandEnv({ ...env, PORT: String(port), HOST: "127.0.0.1" }));
      expect(await server.exited).toBe(1);
      expectOneSentence({ code: 1, ...server.output() }, `port ${port} is in use`);
    }, 300_000);
  });

  it("answers wrong input to the CLIs with what is wrong and what is right", async () => {
    const env = commandEnv(onPostgres ? {} : { DATABASE_URL: "", PGLITE_DIR: pgliteDir() });
    const [department, revoke, region, expires] = await Promise.all([
      runCommand("src/cli/api-key.ts", ["create", "--name", "x", "--department", "FOO"], env),
      runCommand("src/cli/api-key.ts", ["revoke", "abc"], env),
      runCommand("src/cli/api-key.ts", ["create", "--name", "x", "--department", "HEALTH", "--region", "43xx"], env),
      runCommand("src/cli/token.ts", ["--department", "HEALTH", "--region", "4312", "--expires", "forever"], {
        ...env,
        JWT_SECRET: "",
      }),
    ]);
    expectOneSentence(department, /^Unknown department FOO\. One of: .*HEALTH/);
    expectOneSentence(revoke, '"abc" is not an API key id');
    expectOneSentence(region, "--region 43xx is not a region code prefix");
    expectOneSentence(expires, /^Tokens must expire/);
  }, 180_000);
});
