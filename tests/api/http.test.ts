import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenFor } from "../helpers/app.js";
import { onPostgres, openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { post, serve, type RunningServer } from "../helpers/server.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase({ seed: false });
});
afterAll(async () => {
  await database?.dispose();
});

const VILLAGES = { query: "query Villages { villages(first: 1) { nodes { name } } }" };
const PORTAL = "https://portal.example.cn";

interface ErrorBody {
  errors: { message: string; extensions: { code: string; retryAfterSeconds?: number; limit?: string } }[];
}

/** A frontend developer's web portal calls the API from the browser; only the origins the operator lists may. */
describe("browsers on other origins (CORS_ORIGINS)", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await serve(database, { CORS_ORIGINS: `${PORTAL}, https://ops.example.cn` });
  });
  afterAll(async () => {
    await server?.close();
  });

  const preflight = (origin: string) =>
    fetch(`${server.origin}/graphql`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type, x-purpose",
      },
    });

  it("answers the portal's preflight with what its browser needs to send credentials and a purpose", async () => {
    const response = await preflight(PORTAL);
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(PORTAL);
    expect(response.headers.get("access-control-allow-methods")).toBe("GET, POST, OPTIONS");
    const allowed = response.headers.get("access-control-allow-headers")!.split(", ");
    expect(allowed).toEqual(expect.arrayContaining(["authorization", "content-type", "x-purpose", "x-api-key"]));
    expect(response.headers.get("vary")).toContain("Origin");
  });

  it("gives an origin not listed no CORS headers, so its browser keeps the answer from the page", async () => {
    const response = await preflight("https://elsewhere.example.com");
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    const answer = await post(server.origin, VILLAGES, { origin: "https://elsewhere.example.com" });
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("lets the portal's script read the request ids and Retry-After of an answer", async () => {
    const response = await post(server.origin, VILLAGES, { origin: PORTAL, "x-request-id": "portal-42" });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(PORTAL);
    expect(response.headers.get("access-control-expose-headers")).toBe("X-Request-Id, X-Correlation-Id, Retry-After");
    expect(response.headers.get("x-correlation-id")).toBe("portal-42");
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

/** An operator caps each principal's requests; the public (by address) gets the smallest share. */
describe("rate limits per principal (RATE_LIMIT_*)", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await serve(database, {
      RATE_LIMIT_PUBLIC: "3/1m",
      RATE_LIMIT_TOKEN: "5/1m",
      TRUST_PROXY: "true",
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  const from = (address: string, headers: Record<string, string> = {}) =>
    post(server.origin, VILLAGES, { "x-forwarded-for": address, ...headers });

  it("answers an anonymous caller past its limit 429 with Retry-After and a typed RATE_LIMITED error", async () => {
    for (let i = 0; i < 3; i++) expect((await from("203.0.113.7")).status).toBe(200);
    const refused = await from("203.0.113.7");
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = (await refused.json()) as ErrorBody;
    expect(body.errors[0]!.extensions).toMatchObject({
      code: "RATE_LIMITED",
      limit: "public",
      retryAfterSeconds: retryAfter,
    });
    expect(refused.headers.get("x-request-id")).toBeTruthy();
  });

  it("counts each address apart: another caller is still served", async () => {
    expect((await from("203.0.113.8")).status).toBe(200);
  });

  it("counts failed credentials against the address, so keys cannot be guessed past the public limit", async () => {
    const guess = await from("203.0.113.7", { "x-api-key": "xg_00000000_guess" });
    expect(guess.status).toBe(429);
    for (let i = 0; i < 3; i++) await from("203.0.113.9", { "x-api-key": "xg_00000000_guess" });
    expect((await from("203.0.113.9", { "x-api-key": "xg_00000000_guess" })).status).toBe(429);
  });

  it("gives an officer's token its own, larger budget wherever the officer calls from", async () => {
    const officer = { authorization: `Bearer ${await tokenFor("CIVIL_AFFAIRS", "4312", "officer-rate")}` };
    // From the address the public has used up: the token's count is its own.
    for (let i = 0; i < 5; i++) expect((await from(`198.51.100.${i}`, officer)).status).toBe(200);
    const refused = await from("203.0.113.7", officer);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as ErrorBody).errors[0]!.extensions.limit).toBe("token");
    const colleague = { authorization: `Bearer ${await tokenFor("CIVIL_AFFAIRS", "4312", "officer-other")}` };
    expect((await from("203.0.113.7", colleague)).status).toBe(200);
  });
});

/** Two API processes on one PostgreSQL database share the counts (RATE_LIMIT_STORE=postgres). */
describe("rate limits shared through the database", () => {
  let first: RunningServer;
  let second: RunningServer;
  beforeAll(async () => {
    const env = {
      RATE_LIMIT_PUBLIC: "4/1m",
      RATE_LIMIT_STORE: "postgres",
      TRUST_PROXY: "true",
      ...(database.url ? { DATABASE_URL: database.url } : {}),
    };
    first = await serve(database, env);
    second = await serve(database, env);
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it.runIf(onPostgres)(
    "refuses a caller who spread its requests over both processes once their sum reaches the limit",
    async () => {
      const caller = { "x-forwarded-for": "192.0.2.10" };
      expect((await post(first.origin, VILLAGES, caller)).status).toBe(200);
      expect((await post(second.origin, VILLAGES, caller)).status).toBe(200);
      expect((await post(first.origin, VILLAGES, caller)).status).toBe(200);
      expect((await post(second.origin, VILLAGES, caller)).status).toBe(200);
      expect((await post(first.origin, VILLAGES, caller)).status).toBe(429);
      expect((await post(second.origin, VILLAGES, caller)).status).toBe(429);
      const [row] = await database.rows<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM rate_limits WHERE key = 'public:192.0.2.10'`,
      );
      expect(row!.n).toBe(1);
    },
  );

  it.runIf(!onPostgres)("on PGlite (one process owns it) counts in memory, and still limits", async () => {
    const caller = { "x-forwarded-for": "192.0.2.11" };
    for (let i = 0; i < 4; i++) expect((await post(first.origin, VILLAGES, caller)).status).toBe(200);
    expect((await post(first.origin, VILLAGES, caller)).status).toBe(429);
  });
});
