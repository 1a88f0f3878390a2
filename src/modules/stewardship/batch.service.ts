import { createHash } from "node:crypto";
import type { Context } from "../../context.js";
import { BadUserInputError } from "../../shared/errors.js";
import { claimBatchKey, storeBatchResult } from "./batch.repository.js";
import type { BatchInputOf, BatchRecordResult, BatchWriteResult } from "./batch.type.js";
import { applyOwnedWrites, type WriteRecord, type WriteTarget } from "./stewardship.repository.js";
import { assertOwns, type Prepared } from "./stewardship.service.js";
import { conflictMessage } from "./write-outcome.js";

export interface BatchOperation<I> {
  /** The single-record mutation the batch repeats (recorded with the idempotency key). */
  name: string;
  /** The GraphQL type written, for the ownership check. */
  type: string;
  idOf: (input: I) => string;
  prepare: (ctx: Context, input: I) => Prepared<unknown>;
}

const outcome = (
  index: number,
  id: string | null,
  status: BatchRecordResult["status"],
  more: Partial<BatchRecordResult> = {},
): BatchRecordResult => ({
  index,
  id,
  status,
  version: null,
  code: null,
  message: null,
  currentVersion: null,
  inputErrors: [],
  ...more,
});

const rejected = (index: number, id: string | null, code: string, message: string, more = {}) =>
  outcome(index, id, "REJECTED", { code, message, ...more });

/**
 * A batch of owned writes for integrators: every record validated on its own, the valid ones
 * applied in one transaction (with the same locking, versions, history and alerts as a single
 * write), a result per record. With an idempotency key the first result is stored in that same
 * transaction, so a retry — after a dropped connection, say — returns it without applying anything
 * twice; a retry racing the first call waits for it on the key.
 */
export async function runBatch<I extends object>(
  ctx: Context,
  op: BatchOperation<I>,
  input: BatchInputOf<I>,
): Promise<BatchWriteResult> {
  const max = ctx.config.MAX_BATCH_RECORDS;
  if (input.records.length > max) {
    throw new BadUserInputError(`A batch takes at most ${max} records (got ${input.records.length}): split it.`);
  }
  const key = input.idempotencyKey ?? null;
  if (key !== null && (!key.trim() || key.length > 200)) {
    throw new BadUserInputError("An idempotency key is 1 to 200 characters.");
  }

  const results: BatchRecordResult[] = new Array(input.records.length);
  const valid: { index: number; prepared: Prepared<unknown> }[] = [];
  input.records.forEach((record, index) => {
    const id = op.idOf(record) ?? null;
    let prepared: Prepared<unknown>;
    try {
      prepared = op.prepare(ctx, record);
    } catch (error) {
      if (!(error instanceof BadUserInputError)) throw error;
      results[index] = rejected(index, id, "BAD_USER_INPUT", error.message);
      return;
    }
    if (prepared.errors.length) {
      results[index] = rejected(index, id, "INVALID_INPUT", `${prepared.errors.length} field(s) are not valid.`, {
        inputErrors: prepared.errors.map((e) => ({ ...e, path: ["records", String(index), ...e.path.slice(1)] })),
      });
      return;
    }
    valid.push({ index, prepared });
  });
  assertOwns(ctx, op.type, [...new Set(valid.flatMap((v) => Object.keys(v.prepared.record.changes)))]);

  const { principal } = ctx.access;
  const requestHash = createHash("sha256")
    .update(JSON.stringify([op.name, input.records]))
    .digest("hex");

  return ctx.db.transaction(async (tx) => {
    if (key !== null) {
      const stored = await claimBatchKey(tx, {
        principal: principal.id,
        key,
        department: principal.department,
        operation: op.name,
        requestHash,
      });
      if (stored) {
        if (stored.operation !== op.name || stored.requestHash !== requestHash || !stored.result) {
          throw new BadUserInputError(
            `The idempotency key "${key}" was used for a different batch (${stored.operation}): use a new key.`,
          );
        }
        return { ...(stored.result as BatchWriteResult), replayed: true };
      }
    }
    if (valid.length) {
      const target: WriteTarget = valid[0]!.prepared.target;
      const records: WriteRecord[] = valid.map((v) => v.prepared.record);
      const states = await applyOwnedWrites(ctx, target, records, tx);
      states.forEach((state, i) => {
        const { index, prepared } = valid[i]!;
        const id = op.idOf(input.records[index]!);
        const version = prepared.record.version;
        if (state.kind === "applied") {
          results[index] = outcome(index, id, "APPLIED", { version: state.version });
        } else if (state.kind === "unchanged") {
          results[index] = outcome(index, id, "UNCHANGED", { version });
        } else if (state.kind === "conflict") {
          results[index] = rejected(index, id, "CONFLICT", conflictMessage(op.type, version, state.currentVersion), {
            currentVersion: state.currentVersion,
          });
        } else if (state.kind === "refused") {
          results[index] = rejected(index, id, "REFUSED", state.message);
        } else {
          results[index] = rejected(index, id, "FORBIDDEN", `No such ${op.type} in your scope.`);
        }
      });
    }
    const count = (status: string) => results.filter((r) => r.status === status).length;
    const result: BatchWriteResult = {
      applied: count("APPLIED"),
      unchanged: count("UNCHANGED"),
      rejected: count("REJECTED"),
      replayed: false,
      results,
    };
    if (key !== null) await storeBatchResult(tx, principal.id, key, result);
    return result;
  });
}
