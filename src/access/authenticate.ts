import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { and, eq, isNull } from "drizzle-orm";
import { createLocalJWKSet, importSPKI, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { DEVELOPMENT_JWT_SECRET, isLoopback, usesDevelopmentSecret, type Config } from "../config.js";
import { formatDuration } from "../shared/duration.js";
import type { Database } from "../db/client.js";
import { apiKeys } from "../db/schema.js";
import { outsideRequests } from "../db/request-scope.js";
import { UnauthenticatedError } from "../shared/errors.js";
import { log } from "../shared/log.js";
import { RecentMap } from "../shared/recent-map.js";
import { createAccess, type Access, type Principal } from "./access.js";
import type { CompiledPolicy } from "./compile.js";

export const ANONYMOUS: Principal = { id: "anonymous", department: "PUBLIC", region: "", via: "anonymous" };

const CLOCK_SKEW_SECONDS = 60;
/** `api_keys.last_used_at` is written at most this often per key (it answers "is this key still used?"). */
const LAST_USED_EVERY_MS = 60_000;

const REGION = /^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})?$/;
/** Verified tokens remembered (the least recently verified are forgotten first). */
const VERIFIED_TOKENS = 10_000;

export interface Authenticator {
  /** Who is calling: a verified token or API key, or PUBLIC without credentials. Never a silent downgrade. */
  authenticate(header: (name: string) => string | undefined): Promise<Principal>;
}

/**
 * The caller's compiled access, from credentials read through `header` (HTTP headers, or a
 * WebSocket's connection parameters). Bad or unknown credentials: UnauthenticatedError.
 * `unrestricted` (benchmarks only) serves the principal without the policy.
 */
export async function accessFor(
  authenticator: Authenticator,
  policy: CompiledPolicy,
  header: (name: string) => string | undefined,
  unrestricted = false,
): Promise<Access> {
  const principal = await authenticator.authenticate(header);
  const departmentPolicy = policy.forDepartment(principal.department);
  if (!departmentPolicy) throw new UnauthenticatedError("The credentials' department is not in the policy.");
  const digits = departmentPolicy.regionDigits;
  if (digits !== null && principal.region.length !== digits) {
    throw new UnauthenticatedError(
      `Credentials of ${principal.department} must name one ${digits}-digit region (a village code) in their region.`,
    );
  }
  return createAccess(principal, unrestricted ? null : departmentPolicy);
}

type Verifier = { key: Uint8Array | Awaited<ReturnType<typeof importSPKI>> | JWTVerifyGetKey; algorithms: string[] };

async function verifier(config: Config): Promise<Verifier> {
  if (config.JWKS_FILE) {
    return { key: createLocalJWKSet(JSON.parse(readFileSync(config.JWKS_FILE, "utf8"))), algorithms: ["RS256"] };
  }
  if (config.JWT_PUBLIC_KEY_FILE) {
    return { key: await importSPKI(readFileSync(config.JWT_PUBLIC_KEY_FILE, "utf8"), "RS256"), algorithms: ["RS256"] };
  }
  return { key: new TextEncoder().encode(config.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET), algorithms: ["HS256"] };
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** A new API key: `xg_<prefix>_<secret>`; only its hash is stored. */
export function newApiKey(): { key: string; prefix: string; hash: string } {
  const prefix = randomBytes(4).toString("hex");
  const key = `xg_${prefix}_${randomBytes(24).toString("base64url")}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export async function createAuthenticator(
  config: Config,
  database: Database,
  departments: readonly string[],
): Promise<Authenticator> {
  const { key, algorithms } = await verifier(config);
  const known = new Set(departments);
  // The development secret is public (it is in the source): only the machine itself may use it.
  const development = usesDevelopmentSecret(config);
  const developmentRefused = development && !isLoopback(config.HOST);

  /** Tokens must expire, and not too late: a stolen token is worth at most JWT_MAX_LIFETIME. */
  function checkLifetime(payload: JWTPayload): void {
    const now = Math.floor(Date.now() / 1000);
    const exp = payload.exp!;
    const issued = typeof payload.iat === "number" ? exp - payload.iat : 0;
    // exp − now allows for an issuer's clock running a little ahead of ours.
    if (issued > config.JWT_MAX_LIFETIME || exp - now > config.JWT_MAX_LIFETIME + CLOCK_SKEW_SECONDS) {
      throw new UnauthenticatedError(
        `The token's lifetime exceeds the maximum of ${formatDuration(config.JWT_MAX_LIFETIME)} (JWT_MAX_LIFETIME).`,
      );
    }
  }

  function principalFrom(payload: JWTPayload): Principal {
    const { sub, department, region, name } = payload as JWTPayload & Record<string, unknown>;
    if (typeof sub !== "string" || !sub) throw new UnauthenticatedError("The token has no subject (sub).");
    if (typeof department !== "string" || !known.has(department) || department === "PUBLIC") {
      throw new UnauthenticatedError("The token's department is not one of the platform's departments.");
    }
    if (typeof region !== "string" || !REGION.test(region)) {
      throw new UnauthenticatedError("The token's region must be a region code prefix (2, 4, 6, 9 or 12 digits).");
    }
    // Everywhere is granted only by a configured key (or an operator's API key), never by a public one.
    if (development && region === "") {
      throw new UnauthenticatedError(
        'Tokens signed with the development secret cannot have region "" (everywhere): name a region, or set JWT_SECRET.',
      );
    }
    return { id: sub, department, region, name: typeof name === "string" ? name : undefined, via: "jwt" };
  }

  /**
   * Tokens already verified, with their principal and expiry: a client sends the same token with
   * every request, and checking its signature each time cost more CPU than serving a page of 50.
   * What a verification decides cannot change before the token expires (the signature, the claims,
   * a lifetime that only shortens), so a remembered token is good until its `exp`, as jose judges it.
   */
  const verified = new RecentMap<string, { principal: Principal; exp: number }>(VERIFIED_TOKENS);

  async function fromToken(token: string): Promise<Principal> {
    if (developmentRefused) {
      throw new UnauthenticatedError(
        "Bearer tokens are refused: no JWT_SECRET is configured, and the development secret is accepted only while the server listens on a loopback address (HOST=127.0.0.1).",
      );
    }
    const known = verified.peek(token);
    if (known && known.exp > Math.floor(Date.now() / 1000)) return known.principal;
    if (known) verified.delete(token);
    try {
      const { payload } = await jwtVerify(token, key as Uint8Array, {
        algorithms,
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        requiredClaims: ["exp"],
      });
      checkLifetime(payload);
      const principal = principalFrom(payload);
      verified.set(token, { principal, exp: payload.exp! });
      return principal;
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw error;
      const { code, claim } = error as { code?: string; claim?: string };
      if (code === "ERR_JWT_EXPIRED") throw new UnauthenticatedError("The token has expired.");
      if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED" && claim === "exp") {
        throw new UnauthenticatedError("The token has no expiry (exp): every token must expire.");
      }
      throw new UnauthenticatedError("The token is invalid.");
    }
  }

  /** When each key's last use was last written: at most once a minute per key. */
  const lastUseWritten = new Map<number, number>();
  /** Records a key's use after the request's own work, never delaying or failing the request. */
  function noteUse(id: number): void {
    const now = Date.now();
    if (now - (lastUseWritten.get(id) ?? 0) < LAST_USED_EVERY_MS) return;
    lastUseWritten.set(id, now);
    setImmediate(() =>
      outsideRequests(() =>
        database.db
          .update(apiKeys)
          .set({ lastUsedAt: new Date(now) })
          .where(eq(apiKeys.id, id))
          .catch((error: unknown) =>
            log("warn", "could not record an API key's last use", { keyId: id, error: String(error) }),
          ),
      ),
    );
  }

  async function fromApiKey(value: string): Promise<Principal> {
    const [row] = await database.db
      .select({ id: apiKeys.id, name: apiKeys.name, department: apiKeys.department, region: apiKeys.region })
      .from(apiKeys)
      .where(and(eq(apiKeys.keyHash, hashApiKey(value)), isNull(apiKeys.revokedAt)));
    if (!row || !known.has(row.department)) throw new UnauthenticatedError("The API key is invalid or revoked.");
    noteUse(row.id);
    return { id: `api-key:${row.id}`, department: row.department, region: row.region, name: row.name, via: "api-key" };
  }

  return {
    async authenticate(header) {
      const authorization = header("authorization");
      const apiKey = header("x-api-key");
      if (authorization) {
        const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
        if (!match) throw new UnauthenticatedError("Use `Authorization: Bearer <token>`.");
        return fromToken(match[1]!);
      }
      if (apiKey) return fromApiKey(apiKey.trim());
      return ANONYMOUS;
    },
  };
}
