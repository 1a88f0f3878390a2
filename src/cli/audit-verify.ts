import "reflect-metadata";
import { verifyAuditChain } from "../access/audit.js";
import { loadConfig } from "../config.js";
import { openConfiguredDatabase } from "../db/open.js";

/** `npm run audit:verify`: recomputes the audit chain and reports the first broken link (exit 1). */
const config = loadConfig();
const database = await openConfiguredDatabase(config);
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
