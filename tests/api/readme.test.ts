import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { alertHub } from "../../src/modules/monitoring/alert.stream.js";
import { createTestApp, testConfig, tokenFor } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { readmeBlocks, readmeCurlCommands, readmeOperations } from "../helpers/readme.js";
import { testServer } from "../helpers/server.js";

const run = promisify(execFile);
const root = new URL("../../", import.meta.url).pathname;
const hasCurl = ["/usr/bin/curl", "/bin/curl", "/usr/local/bin/curl"].some((p) => existsSync(p));
// The commands' own `npm run token` must sign with the secret the test server verifies.
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("JWT_"))),
  JWT_SECRET: testConfig.JWT_SECRET!,
};

/**
 * A new user copies the README's examples as they are: the curl commands (each with the headers
 * it shows, its `$(npm run token …)` included), the GraphQL operations (each as the department its
 * first line names, with the variables block under it) and the Node subscription snippet all work
 * on the demo data, in the order they appear.
 */
describe("the README's examples, run as written on the demo data", () => {
  const blocks = readmeBlocks();
  let database: TestDatabase;
  let app: App;
  let server: Server;
  let base: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await createTestApp(database);
    server = testServer(app.handle);
    app.serveSubscriptions(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await app?.stop();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await database?.dispose();
  });

  const commands = readmeCurlCommands(blocks);
  it("has curl commands, GraphQL operations and a subscription snippet to run", () => {
    expect(commands.length).toBeGreaterThanOrEqual(3);
    expect(readmeOperations(blocks).length).toBeGreaterThanOrEqual(3);
    expect(blocks.filter((b) => b.info === "js")).toHaveLength(1);
  });

  for (const command of commands) {
    const name = command.replace(/\s+/g, " ").slice(0, 110);
    it.skipIf(!hasCurl)(`${hasCurl ? "" : "[skipped: curl is not installed] "}answers ${name}`, async () => {
      const { stdout } = await run("bash", ["-c", command.replaceAll("localhost:4000", base)], { cwd: root, env });
      const body = JSON.parse(stdout) as { data?: unknown; errors?: unknown };
      expect(body.errors).toBeUndefined();
      expect(body.data).toBeTruthy();
    });
  }

  it("applies the GraphQL operations in order while the Node snippet receives the alert they raise", async () => {
    const snippet = blocks.find((b) => b.info === "js")!.text.replaceAll("localhost:4000", base);
    // Beside the project's node_modules, so its imports resolve as in a user's project.
    const folder = join(root, ".data", `readme-${process.pid}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "alerts.mjs"), snippet);
    const hub = alertHub(database);
    const listening = hub.size;
    const child = spawn(process.execPath, [join(folder, "alerts.mjs")], {
      env: { ...env, TOKEN: await tokenFor("RURAL_REVITALIZATION", "431221") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let output = "";
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    try {
      const until = async (done: () => boolean, what: string) => {
        const deadline = Date.now() + 20_000;
        while (!done()) {
          if (Date.now() > deadline || child.exitCode !== null)
            throw new Error(`${what}; the snippet printed:\n${output}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      await until(() => hub.size > listening, "the snippet never subscribed");

      for (const { department, query, variables } of readmeOperations(blocks)) {
        const { body } = await app.graphql(
          { query, variables },
          { authorization: `Bearer ${await tokenFor(department)}` },
        );
        expect(body.errors, query).toBeUndefined();
        for (const result of Object.values(body.data ?? {}) as Record<string, unknown>[]) {
          if ("ok" in result) expect(result, query).toMatchObject({ ok: true, inputErrors: [] });
          if ("rejected" in result) expect(result, query).toMatchObject({ rejected: 0 });
        }
      }

      await until(() => output.includes('"alertRaised"'), "no alert reached the snippet");
      const event = JSON.parse(output.split("\n").find((line) => line.includes('"alertRaised"'))!) as {
        data: { alertRaised: { signal: string; household: { householdNumber: string } } };
        errors?: unknown;
      };
      expect(event.errors).toBeUndefined();
      expect(event.data.alertRaised.household.householdNumber).toMatch(/^431221/);
    } finally {
      child.kill("SIGKILL");
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
