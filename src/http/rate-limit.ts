import { createHash } from "node:crypto";
import postgres from "postgres";
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  type RateLimiterAbstract,
  type RateLimiterStoreAbstract,
} from "rate-limiter-flexible";
import type { Principal } from "../access/access.js";
import type { Config } from "../config.js";
import { log } from "../shared/log.js";
import { RecentMap } from "../shared/recent-map.js";

export type PrincipalKind = "public" | "token" | "api_key";

/** Why a request was refused: which limit, and when the caller may try again. */
export interface RateLimited {
  kind: PrincipalKind;
  retryAfterSeconds: number;
}

export interface RateLimits {
  /**
   * Charges one request to its principal (`null`: credentials that failed, charged to the address
   * like the public's, so guessing keys is limited too). Resolves to the refusal, or null.
   */
  charge(principal: Principal | null, address: string): Promise<RateLimited | null>;
  close(): Promise<void>;
}

/** The table of the shared counters (drizzle migration `rate_limits`), in rate-limiter-flexible's layout. */
const TABLE = "rate_limits";

/**
 * Per-principal limits (rate-limiter-flexible): counted in this process by default; with
 * RATE_LIMIT_STORE=postgres in the PostgreSQL database of DATABASE_URL, so that every API process
 * serving it shares one count (on PGlite, which one process owns, in memory). If the shared store
 * fails, each process falls back to counting in memory rather than refusing or ignoring limits.
 */
export function createRateLimits(config: Config): RateLimits {
  const shared = config.RATE_LIMIT_STORE === "postgres" && config.DATABASE_URL;
  if (config.RATE_LIMIT_STORE === "postgres" && !config.DATABASE_URL) {
    log(
      "warn",
      "RATE_LIMIT_STORE=postgres needs DATABASE_URL: rate limits are counted in memory (one process owns PGlite)",
    );
  }
  const client = shared
    ? postgres(config.DATABASE_URL!, { max: 2, onnotice: () => {}, connect_timeout: 5, fetch_types: false })
    : null;
  // rate-limiter-flexible speaks node-postgres' `query({ text, values })` → `{ rows }`.
  const storeClient = client && {
    query: async (q: { text: string; values?: unknown[] }) => ({
      rows: await client.unsafe(q.text, (q.values ?? []) as postgres.ParameterOrJSON<never>[]),
    }),
  };

  const limiter = (kind: PrincipalKind, limit: { points: number; seconds: number } | null) => {
    if (!limit) return null;
    const options = { keyPrefix: kind, points: limit.points, duration: limit.seconds };
    if (!storeClient) return new RateLimiterMemory(options);
    return new RateLimiterPostgres({
      ...options,
      storeClient,
      storeType: "client",
      tableName: TABLE,
      tableCreated: true,
      insuranceLimiter: new RateLimiterMemory(options),
    }) as RateLimiterStoreAbstract;
  };
  const limiters: Record<PrincipalKind, RateLimiterAbstract | null> = {
    public: limiter("public", config.RATE_LIMIT_PUBLIC),
    token: limiter("token", config.RATE_LIMIT_TOKEN),
    api_key: limiter("api_key", config.RATE_LIMIT_API_KEY),
  };

  return {
    async charge(principal, address) {
      const kind = kindOf(principal);
      const limiter = limiters[kind];
      if (!limiter) return null;
      try {
        await limiter.consume(keyOf(kind, principal, address));
        return null;
      } catch (refusal) {
        if (refusal instanceof RateLimiterRes) {
          return { kind, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
        }
        log("warn", "rate limit store failed: request served unlimited", { kind, error: String(refusal) });
        return null;
      }
    },
    async close() {
      await client?.end({ timeout: 1 });
    },
  };
}

/**
 * Which limit and whose count. A token's subject may name a person: the count is kept under a
 * hash of it, never the subject itself (the shared store is a table anyone with the database reads).
 */
function kindOf(principal: Principal | null): PrincipalKind {
  if (!principal || principal.via === "anonymous") return "public";
  return principal.via === "api-key" ? "api_key" : "token";
}

function keyOf(kind: PrincipalKind, principal: Principal | null, address: string): string {
  if (kind === "public" || !principal) return address;
  if (kind === "api_key") return principal.id;
  const subject = `${principal.department}\u0000${principal.id}`;
  return tokenKeys.remember(subject, () => createHash("sha256").update(subject).digest("hex").slice(0, 32));
}

/** The counting keys of recent token subjects (a hash per request is measurable on small pages). */
const tokenKeys = new RecentMap<string, string>(1024);
