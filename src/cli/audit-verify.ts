import "reflect-metadata";
import { Command } from "commander";
import { loadAuditKeys } from "../access/audit-keys.js";
import { verifyAuditChain } from "../access/audit-verify.js";
import { ConfigError, loadConfig } from "../config.js";
import { describeDatabase, openConfiguredDatabase } from "../db/open.js";
import { exitWithFailure } from "../shared/fatal.js";

/**
 * `npm run audit:verify`: recomputes the audit chain with the HMAC key and holds it against the
 * signed checkpoints. Exit 0 when intact, 1 when tampering is found, 2 when it cannot verify.
 */
const options = new Command("audit:verify")
  .description("Verify the read audit against its HMAC key and its signed checkpoints.")
  .option("--checkpoints <dir>", "checkpoint folder (default: AUDIT_CHECKPOINT_DIR or the server's default)")
  .option("--verify-key <file>", "Ed25519 public key of the checkpoints (default: AUDIT_VERIFY_KEY_FILE)")
  .parse()
  .opts<{ checkpoints?: string; verifyKey?: string }>();

function anchorFrom(env: NodeJS.ProcessEnv) {
  try {
    const config = loadConfig(env);
    return { config, anchor: loadAuditKeys(config, { generate: false }) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    exitWithFailure(error, "Cannot verify the audit", undefined, 2);
  }
}

const { config, anchor } = anchorFrom({
  ...process.env,
  ...(options.checkpoints && { AUDIT_CHECKPOINT_DIR: options.checkpoints }),
  ...(options.verifyKey && { AUDIT_VERIFY_KEY_FILE: options.verifyKey }),
});
const where = describeDatabase(config);
// Exit 2: it could not verify (the database is unreachable, held by another process…), which is not tampering.
const database = await openConfiguredDatabase(config).catch((error: unknown) =>
  exitWithFailure(error, "Cannot verify the audit", where, 2),
);
try {
  const report = await verifyAuditChain(database, anchor);
  const out: string[] = [];
  if (report.brokenAt) {
    out.push(
      `Audit chain BROKEN at entry ${report.brokenAt.id}: ${report.brokenAt.reason}. ${report.entries} entries before it verified.`,
    );
  } else {
    out.push(
      `${report.entries} entries verified with HMAC key ${anchor.chain.id}` +
        (report.unkeyed
          ? ` (the first ${report.unkeyed} from before the chain was keyed, sealed by the entry after them).`
          : "."),
    );
  }
  out.push(...report.problems.map((p) => `TAMPERING: ${p}`));
  if (report.latest) {
    const { entries, at } = report.latest.statement;
    out.push(
      `${report.checkpoints} signed checkpoints; the newest (${at}) covers ${entries} entries` +
        (report.entries > entries
          ? `; the ${report.entries - entries} after it are protected by the HMAC alone.`
          : "."),
    );
  }
  out.push(report.ok ? "Audit log intact." : "Audit log NOT intact.");
  process.stdout.write(`${out.join("\n")}\n`);
  if (!report.ok) process.exitCode = 1;
} catch (error) {
  await database.close().catch(() => {});
  exitWithFailure(error, "Cannot verify the audit", where, 2);
}
await database.close();
