import "reflect-metadata";
import { verifyAuditChain } from "../access/audit.js";
import { loadConfig } from "../config.js";
import { openDatabase } from "../db/client.js";

/** `npm run audit:verify`: recomputes the audit chain and reports the first broken link (exit 1). */
const config = loadConfig();
const database = await openDatabase(
  config.DATABASE_URL ? { url: config.DATABASE_URL } : { dataDir: config.PGLITE_DIR },
);
try {
  const report = await verifyAuditChain(database);
  if (report.ok) {
    process.stdout.write(`Audit chain intact: ${report.entries} entries verified.\n`);
  } else {
    process.stdout.write(
      `Audit chain BROKEN at entry ${report.brokenAt!.id} (${report.brokenAt!.reason}); ${report.entries} entries before it verified.\n`,
    );
    process.exitCode = 1;
  }
} finally {
  await database.close();
}
