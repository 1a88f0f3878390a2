import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { ConfigError, type Config } from "../config.js";
import { chainKey, type ChainKey } from "./audit-chain.js";

/** Where keys are generated outside production when none is configured (git-ignored). */
export const GENERATED_KEY_DIR = ".data/audit";
const GENERATED_HMAC_KEY = join(GENERATED_KEY_DIR, "hmac.key");
const GENERATED_SIGNING_KEY = join(GENERATED_KEY_DIR, "checkpoint-signing.key");
const GENERATED_VERIFY_KEY = join(GENERATED_KEY_DIR, "checkpoint-signing.pub");

export interface AuditKeys {
  /** The chain's HMAC key. */
  chain: ChainKey;
  /** Signs checkpoints (the server); null where only verifying with a public key. */
  signingKey: KeyObject | null;
  /** Verifies checkpoints. */
  verifyKey: KeyObject;
  /** Where checkpoints go; null only for a test configuration that names none (then none are written). */
  checkpointDir: string | null;
  /** Keys that came from the generated development files rather than the configuration. */
  generated: string[];
}

/** Writes a file only if it does not exist yet, atomically: concurrent first starts agree on one key. */
function createOnce(path: string, content: string): void {
  const scratch = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(scratch, content, { mode: 0o600 });
  try {
    linkSync(scratch, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(scratch);
  }
}

function readHmacKey(config: Config, generate: boolean, generated: string[]): Buffer {
  if (config.AUDIT_HMAC_KEY) return Buffer.from(config.AUDIT_HMAC_KEY, "utf8");
  let file = config.AUDIT_HMAC_KEY_FILE;
  if (!file) {
    if (generate) {
      mkdirSync(GENERATED_KEY_DIR, { recursive: true });
      createOnce(GENERATED_HMAC_KEY, `${randomBytes(32).toString("base64url")}\n`);
    }
    file = GENERATED_HMAC_KEY;
    generated.push(`audit HMAC key ${GENERATED_HMAC_KEY}`);
  }
  const key = readFileSync(file, "utf8").trim();
  if (key.length < 32) throw new ConfigError(`The audit HMAC key in ${file} is shorter than 32 characters.`);
  return Buffer.from(key, "utf8");
}

/**
 * The audit HMAC key alone, without generating one (other keys are derived from it, e.g. the
 * rounding key of published counts); outside production the server has generated it at start-up.
 */
export function auditHmacKey(config: Config): Buffer {
  return readHmacKey(config, false, []);
}

function readSigningKey(config: Config, generate: boolean, generated: string[]): KeyObject | null {
  let file = config.AUDIT_SIGNING_KEY_FILE;
  if (!file) {
    if (generate) {
      mkdirSync(GENERATED_KEY_DIR, { recursive: true });
      const pair = generateKeyPairSync("ed25519");
      createOnce(GENERATED_SIGNING_KEY, pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString());
      // The public half, to copy to wherever the audit is verified.
      const pem = createPublicKey(createPrivateKey(readFileSync(GENERATED_SIGNING_KEY, "utf8")));
      createOnce(GENERATED_VERIFY_KEY, pem.export({ type: "spki", format: "pem" }).toString());
    }
    file = GENERATED_SIGNING_KEY;
    generated.push(`checkpoint signing key ${GENERATED_SIGNING_KEY}`);
  }
  try {
    return createPrivateKey(readFileSync(file, "utf8"));
  } catch (error) {
    // Verifying needs only the public key: a missing private key is not an error there.
    if (!generate && (error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new ConfigError(`The checkpoint signing key ${file} is not a readable Ed25519 private key (PEM).`);
  }
}

function verifyKey(config: Config, signingKey: KeyObject | null): KeyObject {
  const file = config.AUDIT_VERIFY_KEY_FILE;
  if (!file) {
    if (signingKey) return createPublicKey(signingKey);
    throw new ConfigError(
      "To verify checkpoints set AUDIT_VERIFY_KEY_FILE (the public key) or AUDIT_SIGNING_KEY_FILE.",
    );
  }
  const pem = readFileSync(file, "utf8");
  try {
    return createPublicKey(pem);
  } catch {
    throw new ConfigError(`The checkpoint verification key ${file} is not a readable Ed25519 public key (PEM).`);
  }
}

/** The default checkpoint folder: one per database, so that two databases never share checkpoints. */
function checkpointDir(config: Config): string | null {
  if (config.AUDIT_CHECKPOINT_DIR) return config.AUDIT_CHECKPOINT_DIR;
  if (config.NODE_ENV === "test") return null;
  let label = `pglite-${basename(config.PGLITE_DIR)}`;
  if (config.DATABASE_URL) {
    const url = new URL(config.DATABASE_URL);
    label = `postgres-${url.hostname}-${url.port || "5432"}-${url.pathname.slice(1) || "postgres"}`;
  }
  return join(GENERATED_KEY_DIR, "checkpoints", label.replace(/[^A-Za-z0-9._-]/g, "_"));
}

/**
 * The read audit's keys, from the configuration. In production both must be configured, or the
 * server stops with one sentence saying which; elsewhere missing ones are generated once into
 * .data/audit/ (`generate`, for the server) and reported in `generated` for a loud warning.
 * `audit:verify` reads the same keys without generating any.
 */
export function loadAuditKeys(config: Config, { generate = true }: { generate?: boolean } = {}): AuditKeys {
  if (config.NODE_ENV === "production") {
    const missing = [
      !config.AUDIT_HMAC_KEY && !config.AUDIT_HMAC_KEY_FILE && "AUDIT_HMAC_KEY or AUDIT_HMAC_KEY_FILE",
      !config.AUDIT_SIGNING_KEY_FILE && generate && "AUDIT_SIGNING_KEY_FILE",
    ].filter(Boolean);
    if (missing.length) {
      throw new ConfigError(
        `In production the read audit needs keys kept outside the database: set ${missing.join(" and ")}.`,
      );
    }
  }
  const generated: string[] = [];
  try {
    const chain = chainKey(readHmacKey(config, generate, generated));
    const signingKey = readSigningKey(config, generate, generated);
    return {
      chain,
      signingKey,
      verifyKey: verifyKey(config, signingKey),
      checkpointDir: checkpointDir(config),
      generated,
    };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new ConfigError(`An audit key file is missing: ${(error as NodeJS.ErrnoException).path}.`);
    }
    throw error;
  }
}
