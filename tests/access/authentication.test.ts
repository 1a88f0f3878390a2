import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { exportSPKI, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { newApiKey } from "../../src/access/authenticate.js";
import { loadConfig } from "../../src/config.js";
import { apiKeys } from "../../src/db/schema.js";
import { request, testConfig, tokenFor } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";

const VILLAGES = `{ villages(first: 1) { nodes { name } } }`;
const MEMBERS = `{ members(first: 1) { nodes { name } } }`;

describe("who is calling", () => {
  let database: TestDatabase;
  let app: App;

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await createApp(testConfig, database);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.dispose();
  });

  it("serves the public without credentials: villages yes, people no", async () => {
    expect((await app.graphql({ query: VILLAGES })).body.errors).toBeUndefined();
    const members = await app.graphql({ query: MEMBERS });
    // Outside the public's contract, `members` does not exist for it.
    expect(members.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("refuses an invalid, expired or foreign token with 401, never downgrading to the public", async () => {
    const secret = new TextEncoder().encode(testConfig.JWT_SECRET);
    const expired = await new SignJWT({ department: "HEALTH", region: "" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("someone")
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(secret);
    const foreign = await new SignJWT({ department: "HEALTH", region: "" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("someone")
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode("some-other-secret-of-32-characters!!"));
    const unknownDepartment = await new SignJWT({ department: "FINANCE", region: "" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("someone")
      .setExpirationTime("5m")
      .sign(secret);
    for (const [token, message] of [
      ["not-a-jwt", /invalid/],
      [expired, /expired/],
      [foreign, /invalid/],
      [unknownDepartment, /department/],
    ] as const) {
      const { status, body } = await app.graphql({ query: VILLAGES }, { authorization: `Bearer ${token}` });
      expect(status).toBe(401);
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      expect(body.errors?.[0]?.message).toMatch(message);
    }
  });

  it("lets an integrator in with an API key bound to a department and region, until it is revoked", async () => {
    const { key, prefix, hash } = newApiKey();
    const [row] = await database.db
      .insert(apiKeys)
      .values({ name: "医保系统同步", prefix, keyHash: hash, department: "HEALTH", region: "431202" })
      .returning({ id: apiKeys.id });
    const body = await request<{ members: { nodes: { idNumber: string }[] } }>(
      app,
      { query: `{ members(first: 50) { nodes { idNumber } } }` },
      { "x-api-key": key },
    );
    const ids = body.data!.members.nodes.map((n) => n.idNumber);
    expect(ids.length).toBe(50);
    expect(ids.every((id) => /^431202\*{8}[0-9X]{4}$/.test(id))).toBe(true);
    // Only the key's hash is stored.
    const [stored] = await database.db.select().from(apiKeys).where(eq(apiKeys.id, row!.id));
    expect(JSON.stringify(stored)).not.toContain(key);

    await database.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, row!.id));
    const revoked = await app.graphql({ query: VILLAGES }, { "x-api-key": key });
    expect(revoked.status).toBe(401);
    expect(revoked.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("verifies RS256 tokens against a configured public key, and then no longer accepts HS256 ones", async () => {
    const { publicKey, privateKey } = await generateKeyPair("RS256");
    const folder = mkdtempSync(join(tmpdir(), "xg-keys-"));
    const file = join(folder, "public.pem");
    writeFileSync(file, await exportSPKI(publicKey));
    const rsApp = await createApp(loadConfig({ NODE_ENV: "test", JWT_PUBLIC_KEY_FILE: file }), database);
    try {
      const token = await new SignJWT({ department: "EDUCATION", region: "431221" })
        .setProtectedHeader({ alg: "RS256" })
        .setSubject("teacher-1")
        .setExpirationTime("5m")
        .sign(privateKey);
      const ok = await rsApp.graphql({ query: VILLAGES }, { authorization: `Bearer ${token}` });
      expect(ok.status).toBe(200);
      expect(ok.body.errors).toBeUndefined();
      const hs = await rsApp.graphql({ query: VILLAGES }, { authorization: `Bearer ${await tokenFor("EDUCATION")}` });
      expect(hs.status).toBe(401);
    } finally {
      await rsApp.stop();
    }
  });

  it("has `npm run token` print a working token, and refuse when configured for production", async () => {
    const run = (env: Record<string, string>) =>
      execFileSync(
        process.execPath,
        ["--import", "tsx", "src/cli/token.ts", "--department", "HEALTH", "--region", "431221"],
        {
          env: { ...process.env, JWT_SECRET: testConfig.JWT_SECRET, ...env },
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
    const token = run({ NODE_ENV: "development" }).trim();
    const { body } = await app.graphql(
      { query: `{ members(first: 1) { nodes { healthStatus } } }` },
      {
        authorization: `Bearer ${token}`,
      },
    );
    expect(body.errors).toBeUndefined();
    expect(() => run({ NODE_ENV: "production", JWT_SECRET: "a-production-secret-of-some-length" })).toThrow(
      /production/,
    );
  });
});
