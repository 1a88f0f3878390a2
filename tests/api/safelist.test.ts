import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { registerOperation } from "../../src/operations/operation.repository.js";
import { operationId, operationNameOf } from "../../src/operations/safelist.js";
import { authHeaders } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { createApiKey, post, serve, type RunningServer } from "../helpers/server.js";

const run = promisify(execFile);

/** The document the integrator registered and sends, byte for byte (a file's trailing newline aside). */
const HOUSEHOLD_PAGE = `query IntegratorPage($after: String) {
  households(first: 2, after: $after) {
    nodes {
      householdNumber
    }
  }
}
`;
const OTHER = `query Peek { members(first: 1) { nodes { name idNumber } } }`;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

interface Answer {
  data?: { households?: { nodes: unknown[] } } | null;
  errors?: { message: string; extensions: { code: string } }[];
}

let database: TestDatabase;
let server: RunningServer;
let bound: { id: number; key: string };
let unbound: { id: number; key: string };
beforeAll(async () => {
  database = await openTestDatabase({ seed: false });
  server = await serve(database);
  bound = await createApiKey(database, "RURAL_REVITALIZATION", "county data exchange");
  unbound = await createApiKey(database, "RURAL_REVITALIZATION", "analytics team");
});
afterAll(async () => {
  await server?.close();
  await database?.dispose();
});

const send = async (body: unknown, key: string) => {
  const response = await post(server.origin, body, { "x-api-key": key });
  return { status: response.status, body: (await response.json()) as Answer };
};

describe("an integrator's key bound to its registered operations", () => {
  it("runs anything until an operation is registered for it", async () => {
    expect((await send({ query: OTHER }, bound.key)).body.errors).toBeUndefined();
  });

  it("then runs the registered operation by its exact document", async () => {
    const document = HOUSEHOLD_PAGE.trim();
    await registerOperation(database.db, {
      apiKeyId: bound.id,
      operationId: operationId(document),
      name: operationNameOf(document),
      document,
    });
    // Sent as the file holds it, trailing newline and all.
    const answer = await send({ query: HOUSEHOLD_PAGE, variables: { after: null } }, bound.key);
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data!.households!.nodes).toEqual([]);
  });

  it("runs it by id alone, as Apollo's persisted-query extension sends it, over POST and GET", async () => {
    const id = sha256(HOUSEHOLD_PAGE.trim());
    const extensions = { persistedQuery: { version: 1, sha256Hash: id } };
    const byPost = await send({ extensions, variables: {} }, bound.key);
    expect(byPost.body.errors).toBeUndefined();
    expect(byPost.body.data!.households!.nodes).toEqual([]);
    const search = new URLSearchParams({ extensions: JSON.stringify(extensions), variables: "{}" });
    const byGet = await fetch(`${server.origin}/graphql?${search}`, {
      headers: { "x-api-key": bound.key, "apollo-require-preflight": "true" },
    });
    expect(byGet.status).toBe(200);
    expect(((await byGet.json()) as Answer).errors).toBeUndefined();
  });

  it("refuses any other document, or an unknown id, with OPERATION_NOT_REGISTERED", async () => {
    const other = await send({ query: OTHER }, bound.key);
    expect(other.status).toBe(403);
    expect(other.body.errors![0]!.extensions.code).toBe("OPERATION_NOT_REGISTERED");
    expect(other.body.data).toBeUndefined();
    const edited = await send({ query: HOUSEHOLD_PAGE.replace("first: 2", "first: 1000") }, bound.key);
    expect(edited.body.errors![0]!.extensions.code).toBe("OPERATION_NOT_REGISTERED");
    const unknown = await send(
      { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(OTHER) } } },
      bound.key,
    );
    expect(unknown.status).toBe(403);
    expect(unknown.body.errors![0]!.extensions.code).toBe("OPERATION_NOT_REGISTERED");
  });

  it("leaves other keys and officers' tokens free, automatic persisted queries included", async () => {
    expect((await send({ query: OTHER }, unbound.key)).body.errors).toBeUndefined();
    const query = `query Apq { villages(first: 1) { totalCount } }`;
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    const officer = await authHeaders("RURAL_REVITALIZATION");
    const first = (await (await post(server.origin, { extensions }, officer)).json()) as Answer;
    expect(first.errors![0]!.extensions.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    const stored = (await (await post(server.origin, { query, extensions }, officer)).json()) as Answer;
    expect(stored.errors).toBeUndefined();
    const byHash = (await (await post(server.origin, { extensions }, officer)).json()) as Answer;
    expect(byHash.errors).toBeUndefined();
  });
});

/** The operator binds the key with `npm run operations`, against the database the server uses. */
describe("npm run operations", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let keyId: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "xg-operations-"));
    env = database.url
      ? { ...process.env, DATABASE_URL: database.url }
      : { ...process.env, DATABASE_URL: "", PGLITE_DIR: join(dir, "pglite") };
    if (database.url) {
      keyId = (await createApiKey(database, "HEALTH", "clinic system")).id;
    } else {
      // The CLI's own PGlite folder, with a key in it (the server is not running on it).
      const store = await openDatabase({ dataDir: join(dir, "pglite") });
      const { migrate } = await import("../../src/db/migrate.js");
      await migrate(store);
      keyId = (await createApiKey(store, "HEALTH", "clinic system")).id;
      await store.close();
    }
    writeFileSync(join(dir, "page.graphql"), HOUSEHOLD_PAGE);
    writeFileSync(join(dir, "peek.graphql"), OTHER);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const operations = (...args: string[]) =>
    run(process.execPath, ["--import", "tsx", "src/cli/operations.ts", ...args], { env }).then(
      (out) => ({ code: 0, stdout: out.stdout, stderr: out.stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it("registers files for a key, lists them, and will not silently lift the restriction", async () => {
    const page = await operations("register", join(dir, "page.graphql"), "--key", String(keyId));
    expect(page.code).toBe(0);
    expect(page.stdout).toContain(`Registered IntegratorPage for API key ${keyId}`);
    expect(page.stdout).toContain(sha256(HOUSEHOLD_PAGE.trim()));
    expect(page.stdout).toContain("may now run only its registered operations");
    expect((await operations("register", join(dir, "peek.graphql"), "--key", String(keyId))).code).toBe(0);

    const list = await operations("list", "--key", String(keyId));
    expect(
      list.stdout
        .trim()
        .split("\n")
        .map((l) => l.split("\t").slice(0, 3)),
    ).toEqual([
      [String(keyId), sha256(HOUSEHOLD_PAGE.trim()), "IntegratorPage"],
      [String(keyId), sha256(OTHER), "Peek"],
    ]);

    expect((await operations("remove", sha256(OTHER), "--key", String(keyId))).code).toBe(0);
    const last = await operations("remove", sha256(HOUSEHOLD_PAGE.trim()), "--key", String(keyId));
    expect(last.code).toBe(1);
    expect(last.stderr).toMatch(/last registered operation.*remove --all/);
    expect(last.stderr).not.toMatch(/\n\s+at /);

    const unknownKey = await operations("register", join(dir, "page.graphql"), "--key", "9999");
    expect(unknownKey.code).toBe(1);
    expect(unknownKey.stderr.trim()).toBe("There is no API key 9999.");
  }, 600_000);
});
