import { createHash } from "node:crypto";
import type { Context } from "../context.js";
import { BadUserInputError } from "../shared/errors.js";
import { InputErrors } from "../shared/input-errors.js";
import { claimBatchKey, storeBatchResult } from "./batch.repository.js";
import type { BatchInputOf, BatchRecordResult, BatchWriteResult } from "./batch.type.js";
import { applyWrites, assertOwnsRecords, type WriteRecord, type WriteState } from "./engine.js";
import { conflictMessage } from "./outcome.js";
import type { OwnedWrite } from "./owned-write.js";

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

function resultOf(type: string, index: number, id: string, record: WriteRecord, state: WriteState) {
  switch (state.kind) {
    case "applied":
      return outcome(index, id, "APPLIED", { version: state.version });
    case "unchanged":
      return outcome(index, id, "UNCHANGED", { version: state.version });
    case "conflict":
      return rejected(index, id, "CONFLICT", conflictMessage(type, record.version, state.currentVersion), {
        currentVersion: state.currentVersion,
      });
    case "refused":
      return rejected(index, id, "REFUSED", state.message);
    case "invalid": {
      const errors = new InputErrors(["records", index]);
      errors.add(state.error.path, state.error.code, state.error.message);
      return rejected(index, id, "INVALID_INPUT", state.error.message, { inputErrors: errors.list });
    }
    case "missing":
      return rejected(index, id, "FORBIDDEN", `No such ${type} in your scope.`);
  }
}

/**
 * The batch form of a write, for integrators: every record validated on its own, the valid ones
 * applied by the engine in one transaction (the same locking, versions, history and after-write
 * rules as a single write), a result per record. With an idempotency key the first result is
 * stored in that same transaction, so a retry — after a dropped connection, say — returns it
 * without applying anything twice; a retry racing the first call waits for it on the key.
 */
export async function runBatch<I extends object>(
  ctx: Context,
  op: OwnedWrite<I, unknown>,
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
  const valid: { index: number; record: WriteRecord }[] = [];
  input.records.forEach((given, index) => {
    const id = op.idOf(given) ?? null;
    const errors = new InputErrors(["records", index]);
    let record: WriteRecord;
    try {
      record = op.prepare(ctx, given, errors);
    } catch (error) {
      if (!(error instanceof BadUserInputError)) throw error;
      results[index] = rejected(index, id, "BAD_USER_INPUT", error.message);
      return;
    }
    if (errors.any) {
      results[index] = rejected(index, id, "INVALID_INPUT", `${errors.list.length} field(s) are not valid.`, {
        inputErrors: errors.list,
      });
      return;
    }
    valid.push({ index, record });
  });
  assertOwnsRecords(
    ctx,
    op.target,
    valid.map((v) => v.record),
  );

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
    const states = await applyWrites(
      ctx,
      op.target,
      valid.map((v) => v.record),
      tx,
    );
    states.forEach((state, i) => {
      const { index, record } = valid[i]!;
      results[index] = resultOf(op.target.type, index, op.idOf(input.records[index]!), record, state);
    });
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
