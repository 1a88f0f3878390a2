import { z } from "zod";
import { parseDuration } from "./shared/duration.js";

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
  /** The access policy file (YAML or JSON). */
  POLICY_FILE: z.string().optional(),
  /**
   * Per-capita net income monitoring thresholds (防止返贫监测标准) by year, yuan: `year:amount,…`.
   * A year not listed takes the latest listed year before it. Changes every year by notice.
   */
  MONITORING_INCOME_THRESHOLDS: z
    .string()
    .default("2019:4000,2020:4000,2021:6000,2022:6300,2023:6600,2024:7000")
    .transform((text, ctx) => {
      const entries = text.split(",").map((pair) => pair.trim().split(":").map(Number));
      if (entries.some((e) => e.length !== 2 || !Number.isInteger(e[0]) || !(e[1]! >= 0))) {
        ctx.addIssue({ code: "custom", message: "expected year:amount pairs, e.g. 2021:6000,2022:6300" });
        return z.NEVER;
      }
      return Object.freeze(Object.fromEntries(entries)) as Readonly<Record<number, number>>;
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
  /** Records per batch write call. */
  MAX_BATCH_RECORDS: z.coerce.number().int().min(1).max(100_000).default(5000),
  /** PostgreSQL's statement_timeout for the server's statements, ms; 0 = none. PGlite cannot enforce it. */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(20_000),
  /** Longest a request may take: past it, DEADLINE_EXCEEDED (HTTP 504) and its statements cancelled, ms. */
  REQUEST_DEADLINE_MS: z.coerce.number().int().min(1).default(30_000),
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
