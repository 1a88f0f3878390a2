import { execFile, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { decodeJwt, SignJWT, type JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { newApiKey } from "../../src/access/authenticate.js";
import { DEVELOPMENT_JWT_SECRET, loadConfig } from "../../src/config.js";
import { apiKeys } from "../../src/db/schema.js";
import { configWithKeys, testConfig } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";

// Starting tsx and a database in a child process is slow on a busy machine.
const SPAWNS_A_SERVER_OR_TOOL = 180_000;

const MEMBERS = `{ members(first: 1) { nodes { name } } }`;
const VILLAGES = `{ villages(first: 1) { nodes { name } } }`;
const now = () => Math.floor(Date.now() / 1000);
const HOUR = 3600;

/** A token as an attacker (or a careless identity provider) would make it: any claims, any times. */
function token(secret: string, claims: JWTPayload & { region?: string } = {}): Promise<string> {
  const { iat, exp, ...rest } = claims;
  const jwt = new SignJWT({ department: "HEALTH", region: "431221", ...rest })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject("attacker");
  if (iat !== undefined) jwt.setIssuedAt(iat);
  if (exp !== undefined) jwt.setExpirationTime(exp);
  return jwt.sign(new TextEncoder().encode(secret));
}

const run = (args: string[], env: Record<string, string> = {}) =>
  promisify(execFile)(process.execPath, ["--import", "tsx", ...args], { env: { ...process.env, ...env } }).then(
    (out) => ({ code: 0, stdout: out.stdout, stderr: out.stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ ...error }),
  );

describe("authentication an attacker cannot talk round", () => {
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

  const call = async (target: App, bearer: string, query = MEMBERS) => {
    const { status, body } = await target.graphql({ query }, { authorization: `Bearer ${bearer}` });
    return { status, code: body.errors?.[0]?.extensions?.code, message: body.errors?.[0]?.message ?? "" };
  };

  it("refuses a token that never expires, however validly signed", async () => {
    const forever = await token(testConfig.JWT_SECRET!, { iat: now() });
    expect(await call(app, forever)).toEqual({
      status: 401,
      code: "UNAUTHENTICATED",
      message: "The token has no expiry (exp): every token must expire.",
    });
  });

  it("refuses a token that lives longer than JWT_MAX_LIFETIME, however its times are arranged", async () => {
    const secret = testConfig.JWT_SECRET!;
    const tooLong = [
      { iat: now(), exp: now() + 30 * 24 * HOUR }, // a month
      { exp: now() + 25 * HOUR }, // no iat: counted from now
      { iat: now() - 30 * 24 * HOUR, exp: now() + HOUR }, // issued a month ago, still valid for an hour
      { iat: now() + 3650 * 24 * HOUR, exp: now() + 3650 * 24 * HOUR + HOUR }, // "issued" in ten years
    ];
    for (const claims of tooLong) {
      expect(await call(app, await token(secret, claims))).toEqual({
        status: 401,
        code: "UNAUTHENTICATED",
        message: "The token's lifetime exceeds the maximum of 24h (JWT_MAX_LIFETIME).",
      });
    }
    // Within the maximum, with or without iat, it is served.
    for (const claims of [{ iat: now(), exp: now() + 24 * HOUR }, { exp: now() + 23 * HOUR }]) {
      expect((await call(app, await token(secret, claims))).status).toBe(200);
    }
    // The maximum is configuration: an hour here.
    const strict = await createApp({ ...testConfig, JWT_MAX_LIFETIME: HOUR }, database);
    try {
      const twoHours = await token(secret, { iat: now(), exp: now() + 2 * HOUR });
      expect((await call(strict, twoHours)).message).toMatch(/maximum of 1h/);
    } finally {
      await strict.stop();
    }
  });

  describe("with no JWT_SECRET (the development secret, which anyone can read in src/config.ts)", () => {
    const development = (host?: string) =>
      configWithKeys({ NODE_ENV: "development", JWT_SECRET: "", ...(host ? { HOST: host } : {}) });
    const forged = (region: string) =>
      token(DEVELOPMENT_JWT_SECRET, { department: "RURAL_REVITALIZATION", region, iat: now(), exp: now() + HOUR });

    it("listens on loopback unless told otherwise, outside production", () => {
      expect(loadConfig({}).HOST).toBe("127.0.0.1");
      expect(loadConfig({ NODE_ENV: "development" }).HOST).toBe("127.0.0.1");
      expect(loadConfig({ NODE_ENV: "production", JWT_SECRET: "x".repeat(32) }).HOST).toBe("0.0.0.0");
    });

    it('accepts development tokens on loopback, but never for region "" (everywhere)', async () => {
      const local = await createApp(development(), database);
      try {
        expect((await call(local, await forged("431221"))).status).toBe(200);
        expect(await call(local, await forged(""))).toEqual({
          status: 401,
          code: "UNAUTHENTICATED",
          message:
            'Tokens signed with the development secret cannot have region "" (everywhere): name a region, or set JWT_SECRET.',
        });
      } finally {
        await local.stop();
      }
    });

    it("refuses every development token once the server listens beyond loopback; the public and API keys still work", async () => {
      for (const host of ["0.0.0.0", "::", "192.168.1.20"]) {
        const exposed = await createApp(development(host), database);
        try {
          for (const region of ["431221", ""]) {
            const refused = await call(exposed, await forged(region));
            expect(refused).toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
            expect(refused.message).toMatch(/accepted only while the server listens on a loopback address/);
          }
          expect((await exposed.graphql({ query: VILLAGES })).body.errors).toBeUndefined();
          const { key, prefix, hash } = newApiKey();
          await database.db
            .insert(apiKeys)
            .values({ name: "同步", prefix, keyHash: hash, department: "HEALTH", region: "431221" });
          const viaKey = await exposed.graphql({ query: MEMBERS }, { "x-api-key": key });
          expect(viaKey.body.errors).toBeUndefined();
        } finally {
          await exposed.stop();
        }
      }
    });
  });

  it(
    "warns loudly at start-up when it runs with development credentials",
    async () => {
      const dataDir = mkdtempSync(join(process.env.XG_TEST_AUDIT_DIR!, "pglite-"));
      const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
        env: {
          ...process.env,
          NODE_ENV: "development",
          DATABASE_URL: "",
          JWT_SECRET: "",
          AUDIT_HMAC_KEY: "",
          AUDIT_SIGNING_KEY_FILE: "",
          AUDIT_CHECKPOINT_DIR: join(dataDir, "checkpoints"),
          PGLITE_DIR: dataDir,
          AUTO_SEED: "none",
          PORT: "0",
          LOG_LEVEL: "error",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
      try {
        await new Promise<void>((resolve, reject) => {
          child.stdout!.on("data", (d: Buffer) => d.toString().includes("serving GraphQL") && resolve());
          void exited.then((code) => reject(new Error(`server exited early with ${code}: ${stderr}`)));
        });
        expect(stderr).toMatch(/WARNING: Bearer tokens are verified with the DEVELOPMENT SECRET/);
        expect(stderr).toMatch(
          /WARNING: The read audit uses keys GENERATED FOR DEVELOPMENT \(audit HMAC key \.data\/audit\/hmac\.key/,
        );
        child.kill("SIGTERM");
        expect(await exited).toBe(0);
      } finally {
        child.kill("SIGKILL");
      }
    },
    SPAWNS_A_SERVER_OR_TOOL,
  );

  it(
    "will not start in production without the audit's keys, and says so in one sentence",
    async () => {
      const { code, stderr } = await run(["src/main.ts"], {
        NODE_ENV: "production",
        JWT_SECRET: "a-production-secret-of-some-length",
        AUDIT_HMAC_KEY: "",
        AUDIT_HMAC_KEY_FILE: "",
        AUDIT_SIGNING_KEY_FILE: "",
      });
      expect(code).toBe(1);
      expect(stderr).toBe(
        "In production the read audit needs keys kept outside the database: set AUDIT_HMAC_KEY or AUDIT_HMAC_KEY_FILE and AUDIT_SIGNING_KEY_FILE.\n",
      );
    },
    SPAWNS_A_SERVER_OR_TOOL,
  );

  it(
    "has `npm run token -- --expires` refuse what the server would refuse, in a sentence, without a stack",
    async () => {
      const env = { NODE_ENV: "development", JWT_SECRET: testConfig.JWT_SECRET! };
      const token = (...args: string[]) =>
        run(["src/cli/token.ts", "--department", "HEALTH", "--region", "431221", ...args], env);
      const refusals: [string[], RegExp][] = [
        [["--expires", "forever"], /^Tokens must expire: give --expires a lifetime of at most 24h, such as 8h\.\n$/],
        [["--expires", "0"], /^Tokens must expire/],
        [["--expires=-5m"], /^--expires cannot be negative/],
        [["--expires", "30d"], /^--expires 30d is longer than the maximum token lifetime of 24h \(JWT_MAX_LIFETIME\)/],
        [["--expires", "soon"], /^--expires "soon" is not a lifetime/],
      ];
      const results = await Promise.all(refusals.map(([args]) => token(...args)));
      results.forEach((result, i) => {
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(refusals[i]![1]);
        expect(result.stderr).not.toMatch(/\n\s+at /);
      });
      const ok = await token("--expires", "30m");
      expect(ok.code).toBe(0);
      const claims = decodeJwt(ok.stdout.trim());
      expect(claims.exp! - claims.iat!).toBe(1800);
      // The development secret grants no "everywhere", so the command will not mint one.
      const everywhere = await run(["src/cli/token.ts", "--department", "HEALTH", "--region", ""], {
        NODE_ENV: "development",
        JWT_SECRET: "",
      });
      expect(everywhere.code).toBe(1);
      expect(everywhere.stderr).toMatch(/development secret cannot grant region "" \(everywhere\)/);
    },
    SPAWNS_A_SERVER_OR_TOOL,
  );
});
