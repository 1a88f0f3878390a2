import { and, eq, sql } from "drizzle-orm";
import type { Drizzle } from "../db/client.js";
import { writeBatches } from "../db/schema.js";

export interface BatchClaim {
  principal: string;
  key: string;
  department: string;
  operation: string;
  requestHash: string;
}

/**
 * Claims an idempotency key inside the batch's transaction. A concurrent call with the same key
 * waits on the primary key until the first commits, then finds its result: `null` = claimed now.
 */
export async function claimBatchKey(
  tx: Drizzle,
  claim: BatchClaim,
): Promise<{ operation: string; requestHash: string; result: unknown } | null> {
  const inserted = await tx
    .insert(writeBatches)
    .values({
      principal: claim.principal,
      idempotencyKey: claim.key,
      department: claim.department,
      operation: claim.operation,
      requestHash: claim.requestHash,
    })
    .onConflictDoNothing()
    .returning({ key: writeBatches.idempotencyKey });
  if (inserted.length) return null;
  const [stored] = await tx
    .select({ operation: writeBatches.operation, requestHash: writeBatches.requestHash, result: writeBatches.result })
    .from(writeBatches)
    .where(and(eq(writeBatches.principal, claim.principal), eq(writeBatches.idempotencyKey, claim.key)));
  return stored ?? null;
}

export async function storeBatchResult(tx: Drizzle, principal: string, key: string, result: unknown): Promise<void> {
  await tx
    .update(writeBatches)
    .set({ result: sql`${JSON.stringify(result)}::jsonb` })
    .where(and(eq(writeBatches.principal, principal), eq(writeBatches.idempotencyKey, key)));
}
