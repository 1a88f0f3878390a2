import { z } from "zod";
import { parseDuration } from "./shared/duration.js";

/** `<points>/<window>` (`300/1m`, `20/10s`) or `off`: null = no limit. */
function rateLimit(fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      if (text === "off" || text === "0") return null;
      const match = /^(\d+)\/(.+)$/.exec(text);
      const seconds = match ? parseDuration(match[2]!) : undefined;
      if (!match || !seconds || Number(match[1]) < 1) {
        ctx.addIssue({ code: "custom", message: "expected <requests>/<window> such as 300/1m or 20/10s, or off" });
        return z.NEVER;
      }
      return { points: Number(match[1]), seconds };
    });
}

const schema = z.object({
  /** PostgreSQL connection string; unset = embedded PGlite in `PGLITE_DIR`. */
  DATABASE_URL: z.string().url().optional(),
  PGLITE_DIR: z.string().default(".data/pglite"),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** Unset: 127.0.0.1 outside production (the development secret is only accepted there), 0.0.0.0 in production. */
  HOST: z.string().optional(),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** Seed tier loaded by `npm start` when the database is empty; `none` disables it. */
  AUTO_SEED: z.enum(["demo", "none"]).default("demo"),
  MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(100_000).default(1000),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  /** HS256 secret for bearer tokens; in development a fixed, documented secret is used if unset. */
  JWT_SECRET: z.string().min(16).optional(),
  /** RS256 verification instead: a PEM public key file, or a JWKS (JSON) file. */
  JWT_PUBLIC_KEY_FILE: z.string().optional(),
  JWKS_FILE: z.string().optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
  /** Longest lifetime a bearer token may have (exp − iat, or exp − now), e.g. `8h`; tokens must carry `exp`. */
  JWT_MAX_LIFETIME: z
    .string()
    .default("24h")
    .transform((text, ctx) => {
      const seconds = parseDuration(text);
      if (!seconds) {
        ctx.addIssue({ code: "custom", message: "expected a positive duration such as 900s, 30m, 8h or 7d" });
        return z.NEVER;
      }
      return seconds;
    }),
  /**
   * The read audit's HMAC key (at least 32 characters), or a file holding it. Never stored in the
   * database. Outside production, when neither is set, one is generated into .data/audit/.
   */
  AUDIT_HMAC_KEY: z.string().min(32).optional(),
  AUDIT_HMAC_KEY_FILE: z.string().optional(),
  /** Ed25519 private key (PKCS#8 PEM) that signs the audit checkpoints; generated like the HMAC key. */
  AUDIT_SIGNING_KEY_FILE: z.string().optional(),
  /** Its public key (SPKI PEM), for `npm run audit:verify` where the private key is not present. */
  AUDIT_VERIFY_KEY_FILE: z.string().optional(),
  /** Where signed checkpoints are written (outside the database); default .data/audit/checkpoints/<database>. */
  AUDIT_CHECKPOINT_DIR: z.string().optional(),
  /** A checkpoint after every this many entries, and every this many seconds while entries are added. */
  AUDIT_CHECKPOINT_EVERY: z.coerce.number().int().min(1).default(1000),
  AUDIT_CHECKPOINT_SECONDS: z.coerce.number().min(1).default(60),
  /** Most read audit entries one group commit writes (one INSERT); more wait for the next. */
  AUDIT_BATCH_MAX: z.coerce.number().int().min(1).max(2000).default(500),
  /**
   * Key of the rounding of published counts (README, "Published counts"), at least 32 characters;
   * unset, one is derived from the audit HMAC key. Keep it stable: a new key re-draws every count.
   */
  COUNT_ROUNDING_KEY: z.string().min(32).optional(),
  /** The access policy file (YAML or JSON). */
  POLICY_FILE: z.string().optional(),
  // The monitoring lines themselves are data (table monitoring_standards, mutation
  // setMonitoringStandard), each with the document it comes from. The shares and factors below are
  // local policy too; the seeds give no number for them (003: 合理确定监测标准), so their defaults are
  // example values of this project, to be set from the local notice.
  /** Per-capita net income falling by more than this share of the previous year's raises INCOME_DROP (收入大幅缩减); example default. */
  INCOME_DROP_ALERT_SHARE: z.coerce.number().gt(0).max(1).default(0.3),
  /** A year's rigid expenditure (刚性支出) above this share of the household's net income raises RIGID_EXPENDITURE; example default. */
  RIGID_EXPENDITURE_ALERT_SHARE: z.coerce.number().gt(0).default(0.5),
  /** Screening: a 低保 recipient's household with per-capita net income above this multiple of the line; example default. */
  SCREENING_ALLOWANCE_INCOME_FACTOR: z.coerce.number().gt(0).default(2),
  /**
   * How often the server runs the cross-department screening (部门筛查预警), e.g. `24h`; unset = never
   * (run it with `npm run screen`, or from cron).
   */
  SCREENING_INTERVAL: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return undefined;
      const seconds = parseDuration(text);
      if (!seconds) {
        ctx.addIssue({ code: "custom", message: "expected a positive duration such as 30m, 6h or 1d" });
        return z.NEVER;
      }
      return seconds;
    }),
  /** Out-of-pocket medical expense (yuan, one year) that raises a risk alert: formerly poor households… */
  MEDICAL_EXPENSE_ALERT_FORMERLY_POOR: z.coerce.number().min(0).default(5000),
  /** …and every other household (monitored marginal or sudden-hardship households). */
  MEDICAL_EXPENSE_ALERT_OTHERS: z.coerce.number().min(0).default(20000),
  // Monitoring cases (识别, 风险消除, 跟踪回访). Seed 003 names the steps but gives no number: these
  // defaults are local practice, to be set by the county's notice.
  /** Shortest village notice (公示), whole days from its first to its last day. */
  CASE_NOTICE_MIN_DAYS: z.coerce.number().int().min(1).max(60).default(7),
  /** What eliminating a risk requires: GUARANTEES (两不愁三保障 all MET), INCOME (above the line), NO_OPEN_ALERT. */
  RISK_ELIMINATION_CRITERIA: z
    .string()
    .default("GUARANTEES,INCOME,NO_OPEN_ALERT")
    .transform((text) =>
      text
        .split(",")
        .map((c) => c.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(["GUARANTEES", "INCOME", "NO_OPEN_ALERT"]))),
  /** Income must be above the monitoring line in each of the last N years with income data. */
  RISK_ELIMINATION_INCOME_YEARS: z.coerce.number().int().min(1).max(5).default(1),
  /** Follow-up visits (跟踪回访) after elimination: one every N months… */
  FOLLOW_UP_INTERVAL_MONTHS: z.coerce.number().int().min(1).max(24).default(6),
  /** …this many times (6 × 2 = one year). */
  FOLLOW_UP_VISITS: z.coerce.number().int().min(0).max(12).default(2),
  /** Largest request body accepted, bytes (a batch of 5,000 records is about 1 MB). */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(16_000_000),
  /** Largest response body sent, bytes: a larger answer is refused with RESPONSE_TOO_LARGE. */
  MAX_RESPONSE_BYTES: z.coerce.number().int().min(1024).default(32_000_000),
  /** Deepest nesting of fields in an operation, fragments expanded (DEPTH_LIMIT). */
  MAX_DEPTH: z.coerce.number().int().min(1).default(12),
  /** Most aliases in an operation, fragments counted where spread (ALIAS_LIMIT). */
  MAX_ALIASES: z.coerce.number().int().min(0).default(50),
  /** Most top-level fields in an operation, aliases of one field counted apart (ROOT_FIELD_LIMIT). */
  MAX_ROOT_FIELDS: z.coerce.number().int().min(1).default(30),
  /** Most lexical tokens in a document; parsing stops past it (TOKEN_LIMIT). */
  MAX_TOKENS: z.coerce.number().int().min(100).default(5000),
  /** Most directives in an operation (DIRECTIVE_LIMIT). */
  MAX_DIRECTIVES: z.coerce.number().int().min(0).default(50),
  /**
   * Estimated rows an operation may fetch (COST_LIMIT): the product of page sizes along each path,
   * summed over the operation. Per principal: the public (and anyone unauthenticated)…
   */
  COST_LIMIT_PUBLIC: z.coerce.number().int().min(1).default(50_000),
  /** …department officers (bearer tokens)… */
  COST_LIMIT_OFFICER: z.coerce.number().int().min(1).default(1_000_000),
  /** …and integrators (API keys) and the system principal. */
  COST_LIMIT_INTEGRATOR: z.coerce.number().int().min(1).default(5_000_000),
  /** Records per batch write call. */
  MAX_BATCH_RECORDS: z.coerce.number().int().min(1).max(100_000).default(5000),
  /**
   * How long the change feed keeps its entries (`7d`, `36h`, …): a position older than that is
   * answered CHANGES_EXPIRED (export again). Pruned on read, at most once a minute.
   */
  CHANGES_RETENTION: z
    .string()
    .default("7d")
    .transform((text, ctx) => {
      const seconds = parseDuration(text);
      if (!seconds) {
        ctx.addIssue({ code: "custom", message: "expected a positive duration such as 36h or 7d" });
        return z.NEVER;
      }
      return seconds;
    }),
  /** How often a `changed` subscription looks for new entries of the feed, ms. */
  CHANGES_POLL_MS: z.coerce.number().int().min(50).default(1000),
  /** PostgreSQL's statement_timeout for the server's statements, ms; 0 = none. PGlite cannot enforce it. */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(20_000),
  /** Longest a request may take: past it, DEADLINE_EXCEEDED (HTTP 504) and its statements cancelled, ms. */
  REQUEST_DEADLINE_MS: z.coerce.number().int().min(1).default(30_000),
  /** Rows an export (POST /export) reads per page through the operation pipeline (at most MAX_PAGE_SIZE). */
  EXPORT_PAGE_SIZE: z.coerce.number().int().min(1).max(100_000).default(1000),
  /**
   * PostgreSQL: how long an interrupted export's snapshot is kept (its transaction held open) for a
   * `resume` to continue from the same rows, seconds; 0 = never kept. PGlite never keeps one.
   */
  EXPORT_SNAPSHOT_HOLD_SECONDS: z.coerce.number().int().min(0).default(120),
  /** Most interrupted exports' snapshots kept at once (each holds a pooled connection). */
  EXPORT_SNAPSHOTS_HELD: z.coerce.number().int().min(0).default(2),
  /**
   * Most exports running at once in this process; beyond it an export is answered 429 EXPORT_BUSY
   * with Retry-After. Each holds a pooled connection for as long as its client reads (PGlite runs
   * them one after another anyway: its transactions are exclusive).
   */
  EXPORT_MAX_CONCURRENT: z.coerce.number().int().min(1).default(4),
  /** Most exports one principal (a token's subject, an API key) runs at once in this process; beyond it 429 EXPORT_BUSY. */
  EXPORT_MAX_PER_PRINCIPAL: z.coerce.number().int().min(1).default(2),
  /** An export whose client reads nothing for this long is ended (its snapshot released), seconds. */
  EXPORT_STALL_SECONDS: z.coerce.number().int().min(1).default(60),
  /** When set, GET /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`; unset, anyone who reaches the port. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** Browser origins allowed to call the API (CORS), comma-separated, e.g. `https://portal.example.cn`; `*` = any; unset = none. */
  CORS_ORIGINS: z
    .string()
    .default("")
    .transform((text) =>
      text
        .split(",")
        .map((o) => o.trim().replace(/\/$/, ""))
        .filter(Boolean),
    ),
  /**
   * Rate limits per principal, `<requests>/<window>` (e.g. `300/1m`) or `off`: unauthenticated
   * callers by client address, bearer tokens by subject, API keys by key.
   */
  RATE_LIMIT_PUBLIC: rateLimit("300/1m"),
  RATE_LIMIT_TOKEN: rateLimit("6000/1m"),
  RATE_LIMIT_API_KEY: rateLimit("6000/1m"),
  /** Where the limits' counters live: `memory` (this process) or `postgres` (shared by every process on DATABASE_URL). */
  RATE_LIMIT_STORE: z.enum(["memory", "postgres"]).default("memory"),
  /** Behind a reverse proxy: take the client address from X-Forwarded-For (its first entry). */
  TRUST_PROXY: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
});

export type Config = Omit<z.infer<typeof schema>, "HOST"> & { HOST: string };

/** A configuration the server cannot start with: its message is one sentence for the operator (no stack). */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment once; a bad value stops the process with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (DATABASE_URL= npm start) means unset, as in most shells' idiom.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ""));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const config = {
    ...parsed.data,
    HOST: parsed.data.HOST ?? (parsed.data.NODE_ENV === "production" ? "0.0.0.0" : "127.0.0.1"),
  };
  if (config.NODE_ENV === "production" && !config.JWT_SECRET && !config.JWT_PUBLIC_KEY_FILE && !config.JWKS_FILE) {
    throw new ConfigError("Invalid configuration: in production set JWT_SECRET, JWT_PUBLIC_KEY_FILE or JWKS_FILE.");
  }
  return config;
}

/**
 * Used only outside production when no key is configured, so `npm run token` works out of the box.
 * It is public (it is in this file): tokens signed with it are accepted only while the server
 * listens on a loopback address, and never for region "" (everywhere).
 */
export const DEVELOPMENT_JWT_SECRET = "xiangcun-graph-development-secret-not-for-production";

/** Whether tokens are verified with the public development secret (no key configured). */
export function usesDevelopmentSecret(config: Config): boolean {
  return !config.JWT_SECRET && !config.JWT_PUBLIC_KEY_FILE && !config.JWKS_FILE;
}

/** Whether the server listens only on the machine itself. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
