import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GraphQLFormattedError } from "graphql";
import { afterAll, beforeAll, expect } from "vitest";
import { createApp, type App, type AppOptions, type GraphQLBody } from "../../src/app.js";
import { signToken } from "../../src/access/token.js";
import { loadConfig, type Config } from "../../src/config.js";
import type { Database } from "../../src/db/client.js";
import { openTestDatabase, type TestDatabase } from "./database.js";
import { Facts } from "./facts.js";

/**
 * A configuration with keys of its own, as production has: a JWT secret (so tokens may have
 * region "" — the development secret cannot grant that), the audit's HMAC key, a checkpoint
 * signing key and a checkpoint folder, all in a fresh folder under the test file's own.
 */
export function configWithKeys(overrides: Record<string, string> = {}): Config {
  const base = process.env.XG_TEST_AUDIT_DIR ?? tmpdir();
  const dir = mkdtempSync(join(base, "keys-"));
  mkdirSync(join(dir, "checkpoints"));
  const signingKey = join(dir, "checkpoint-signing.key");
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  writeFileSync(signingKey, privateKey.export({ type: "pkcs8", format: "pem" }));
  writeFileSync(join(dir, "checkpoint-signing.pub"), publicKey.export({ type: "spki", format: "pem" }));
  return loadConfig({
    NODE_ENV: "test",
    JWT_SECRET: randomBytes(24).toString("hex"),
    AUDIT_HMAC_KEY: randomBytes(32).toString("hex"),
    AUDIT_SIGNING_KEY_FILE: signingKey,
    AUDIT_CHECKPOINT_DIR: join(dir, "checkpoints"),
    ...overrides,
  });
}

export const testConfig = configWithKeys();

/** The purpose the suite declares: a code of the policy that every purpose-required group accepts. */
export const TEST_PURPOSE = "MONITORING: automated test";

/** A bearer token for a department and region, signed with the configured secret. */
export async function tokenFor(department: string, region = "", sub = `test-${department.toLowerCase()}`) {
  return signToken(testConfig, { sub, department, region, name: `测试${department}` });
}

/** Credentials and a declared purpose (some field groups are served only with one). */
export async function authHeaders(department: string, region = ""): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await tokenFor(department, region)}`, "x-purpose": TEST_PURPOSE };
}

/**
 * The app as the registry owner (RURAL_REVITALIZATION, whole city) uses it: the stories of the
 * read API are told by the bureau that sees every field; access stories pass their own headers.
 */
export async function createTestApp(database: Database, options: AppOptions = {}): Promise<App> {
  const app = await createApp(testConfig, database, options);
  const registry = await authHeaders("RURAL_REVITALIZATION");
  const graphql = app.graphql;
  return {
    ...app,
    graphql: (body: GraphQLBody, headers?: Record<string, string>) => graphql(body, headers ?? registry),
  };
}

/** A response as a test reads it: `data` of the shape the operation asks for. */
export interface Response<T> {
  status: number;
  data?: T | null;
  errors?: GraphQLFormattedError[];
}

/** Sends an operation through `app` (its full HTTP pipeline) and types its data. */
export async function request<T>(
  app: Pick<App, "graphql">,
  body: GraphQLBody,
  headers?: Record<string, string>,
): Promise<Response<T>> {
  const response = await app.graphql(body, headers);
  return { status: response.status, data: response.body.data as T | null | undefined, errors: response.body.errors };
}

export interface TestApp {
  readonly app: App;
  readonly database: TestDatabase;
  /** Builders of the facts a test states (households, members, villages …). */
  readonly facts: Facts;
  /** Sends an operation (as the registry owner unless `headers` say otherwise) and types its data. */
  query<T>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<Response<T>>;
  /** The same, expecting no error: the data itself. */
  data<T>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<T>;
}

/**
 * The app and its own database for one test file, opened before its tests and closed after them.
 * By default the database is empty and the test states its facts with `facts`; `seed: "demo"`
 * loads the demo tier for the stories that need a population (scope, matrix, statement counts).
 */
export function useTestApp(options: { seed?: "demo" | false; recordSql?: boolean; app?: AppOptions } = {}): TestApp {
  let app: App | undefined;
  let database: TestDatabase | undefined;
  let facts: Facts | undefined;
  beforeAll(async () => {
    database = await openTestDatabase({ seed: options.seed ?? false, recordSql: options.recordSql });
    app = await createTestApp(database, options.app);
    facts = new Facts(database);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.dispose();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("useTestApp: used before its beforeAll ran");
    return value;
  };
  const query = <T>(text: string, variables: Record<string, unknown> = {}, headers?: Record<string, string>) =>
    request<T>(ready(app), { query: text, variables }, headers);
  return {
    get app() {
      return ready(app);
    },
    get database() {
      return ready(database);
    },
    get facts() {
      return ready(facts);
    },
    query,
    async data<T>(text: string, variables?: Record<string, unknown>, headers?: Record<string, string>) {
      const response = await query<T>(text, variables, headers);
      expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
      return response.data as T;
    },
  };
}
