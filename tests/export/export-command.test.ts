import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { exportToFile, readState } from "../../src/export/export-client.js";
import { createTestApp, request } from "../helpers/app.js";
import { onPostgres, openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { createApiKey, listen, type Listening } from "../helpers/server.js";
import { TcpProxy } from "../helpers/tcp-proxy.js";

/**
 * `npm run export` as an integrator runs it at night: the connection breaks half-way, and the same
 * command with `--resume` completes the file — every member in it exactly once, in order.
 */

let database: TestDatabase;
let app: App;
let listening: Listening | undefined;
let proxy: TcpProxy;
let through: string;
let key: string;
let dir: string;

beforeAll(async () => {
  database = await openTestDatabase({ seed: "demo" });
  app = await createTestApp(database);
  listening = await listen(app.handle);
  proxy = new TcpProxy({ host: "127.0.0.1", port: listening.port });
  through = `http://127.0.0.1:${await proxy.listen()}`;
  ({ key } = await createApiKey(database, "RURAL_REVITALIZATION"));
  dir = mkdtempSync(join(tmpdir(), "xg-export-"));
});

afterAll(async () => {
  await proxy?.close();
  await app?.stop();
  await listening?.close();
  await database?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function allMemberIds(): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const response: Awaited<ReturnType<typeof request<{ members: Page }>>> = await request<{ members: Page }>(app, {
      query: `query($after: String) { members(first: 1000, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }`,
      variables: { after },
    });
    const page: Page = response.data!.members;
    ids.push(...page.nodes.map((n) => n.id));
    if (!page.pageInfo.hasNextPage) return ids;
    after = page.pageInfo.endCursor;
  }
}

interface Page {
  nodes: { id: string }[];
  pageInfo: { hasNextPage: boolean; endCursor: string };
}

describe("npm run export", () => {
  it("resumes an export the network broke into the same file, every row once", async () => {
    const out = join(dir, "members.jsonl");
    const options = {
      url: through,
      apiKey: key,
      query: `query Members { members { nodes { id name } } }`,
      variables: {},
      out,
      format: "jsonl" as const,
      purpose: "MONITORING: nightly sync",
    };
    let cut = false;
    await expect(
      exportToFile({
        ...options,
        resume: false,
        fresh: false,
        progress: ({ rows }) => {
          if (rows >= 2000 && !cut) {
            cut = true;
            proxy.cut("stop");
          }
        },
      }),
    ).rejects.toThrow();
    expect(readState(out)).toMatchObject({ complete: false });
    await proxy.restore();
    // PGlite keeps no snapshot after the export: the command continues at the current data there.
    const state = await exportToFile({ ...options, resume: true, fresh: !onPostgres });
    const ids = readFileSync(out, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids).toEqual(await allMemberIds());
    expect(state).toMatchObject({ complete: true, rows: ids.length });
  });

  it("writes CSV with a byte-order mark from a flat selection", async () => {
    const out = join(dir, "villages.csv");
    await exportToFile({
      url: through,
      apiKey: key,
      query: `{ villages { nodes { code name } } }`,
      variables: {},
      out,
      format: "csv",
      resume: false,
      fresh: false,
    });
    const text = readFileSync(out, "utf8");
    expect(text.startsWith("\uFEFFcode,name\r\n")).toBe(true);
    const response = await request<{ villages: { totalCount: number } }>(app, {
      query: `{ villages { totalCount } }`,
    });
    expect(text.split("\r\n").filter(Boolean)).toHaveLength(response.data!.villages.totalCount + 1);
  });
});
