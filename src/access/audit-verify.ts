import type { KeyObject } from "node:crypto";
import { asc, gt } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { auditLog } from "../db/schema.js";
import { ChainVerifier, type ChainKey } from "./audit-chain.js";
import { readCheckpoints, type Checkpoint } from "./audit-checkpoint.js";

export interface AuditReport {
  ok: boolean;
  /** Entries verified (up to the first broken one), and how many of them predate the keyed chain. */
  entries: number;
  unkeyed: number;
  /** Valid signed checkpoints found, and the newest of them. */
  checkpoints: number;
  latest?: Checkpoint;
  /** The first entry that breaks the chain, and why. */
  brokenAt?: { id: number; reason: string };
  /** What the checkpoints show that the chain alone cannot: a tail removed, a chain replaced. */
  problems: string[];
}

export interface VerifyAnchor {
  chain: ChainKey;
  verifyKey: KeyObject;
  checkpointDir: string | null;
}

const describe = (c: Checkpoint) => `checkpoint ${c.file} (signed ${c.statement.at})`;

/**
 * Recomputes the chain from the first entry with the HMAC key, and holds it against every signed
 * checkpoint: each must name an entry that is still there, at the same position, with the same
 * link. Reads in batches so memory stays flat.
 */
export async function verifyAuditChain(database: Database, anchor: VerifyAnchor, batch = 5000): Promise<AuditReport> {
  const { checkpoints, invalid } = anchor.checkpointDir
    ? readCheckpoints(anchor.checkpointDir, anchor.verifyKey)
    : { checkpoints: [], invalid: [] };
  const problems = invalid.map(({ file, reason }) => `${file}: ${reason}.`);
  const byLastId = new Map<number, Checkpoint[]>();
  for (const c of checkpoints) {
    if (c.statement.keyId !== anchor.chain.id) {
      problems.push(`${describe(c)} is for another HMAC key (${c.statement.keyId}): check AUDIT_HMAC_KEY.`);
    }
    byLastId.set(c.statement.lastId, [...(byLastId.get(c.statement.lastId) ?? []), c]);
  }
  const matched = new Set<Checkpoint>();
  const verifier = new ChainVerifier(anchor.chain);
  const report = (brokenAt?: AuditReport["brokenAt"]): AuditReport => ({
    ok: !brokenAt && !problems.length,
    entries: verifier.entries,
    unkeyed: verifier.unkeyed,
    checkpoints: checkpoints.length,
    latest: checkpoints[checkpoints.length - 1],
    brokenAt,
    problems,
  });

  let lastId = 0;
  for (;;) {
    const rows = await database.db
      .select()
      .from(auditLog)
      .where(gt(auditLog.id, lastId))
      .orderBy(asc(auditLog.id))
      .limit(batch);
    if (!rows.length) break;
    for (const row of rows) {
      const reason = verifier.check({ ...row, at: new Date(row.at).toISOString() });
      if (reason) return report({ id: row.id, reason });
      for (const c of byLastId.get(row.id) ?? []) {
        matched.add(c);
        if (c.statement.entries !== verifier.entries || c.statement.head !== row.hash) {
          problems.push(
            `${describe(c)} says entry ${row.id} is entry ${c.statement.entries} of the chain with link ${c.statement.head.slice(0, 12)}…; the database has it as entry ${verifier.entries} with ${row.hash.slice(0, 12)}… (the chain was rewritten).`,
          );
        }
      }
      lastId = row.id;
    }
  }
  // Checkpoints are read oldest first: the newest one that fails says the most; older ones are counted.
  const newest = (failing: Checkpoint[]) =>
    failing.length > 1 ? ` (and ${failing.length - 1} older checkpoints likewise)` : "";
  const unkeyedWrong = checkpoints.filter((c) => c.statement.unkeyedEntries !== verifier.unkeyed);
  const last = unkeyedWrong[unkeyedWrong.length - 1];
  if (last) {
    problems.push(
      `${describe(last)} says the first ${last.statement.unkeyedEntries} entries predate the keyed chain; the database has ${verifier.unkeyed} (entries were rewritten without the key)${newest(unkeyedWrong)}.`,
    );
  }
  const missing = checkpoints.filter((c) => !matched.has(c) && c.statement.lastId !== 0);
  const gone = missing[missing.length - 1];
  if (gone) {
    problems.push(
      `${describe(gone)} covers ${gone.statement.entries} entries up to entry ${gone.statement.lastId}, which is no longer there; the chain now ends after ${verifier.entries} entries (entries were deleted from its end)${newest(missing)}.`,
    );
  }
  if (!checkpoints.length && verifier.entries > 0) {
    problems.push(
      `No signed checkpoint found${anchor.checkpointDir ? ` in ${anchor.checkpointDir}` : ""}: entries deleted from the end of the chain could not be detected.`,
    );
  }
  return report();
}
