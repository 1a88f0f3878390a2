import type { InputError } from "../shared/input-errors.js";
import type { WriteOutcome } from "./write.type.js";

/** What every write answers (department writes, the registry owner's, alerts): one builder per outcome. */
export function applied<R>(record: R | null, unchanged = false): WriteOutcome<R> {
  return { ok: true, unchanged, record, inputErrors: [], error: null };
}

export function rejected<R>(inputErrors: InputError[]): WriteOutcome<R> {
  return { ok: false, unchanged: false, record: null, inputErrors, error: null };
}

export const conflictMessage = (type: string, version: number, currentVersion: number) =>
  `The ${type} changed since you read it (version ${version}, now ${currentVersion}): re-read and re-apply.`;

export function conflict<R>(type: string, version: number, currentVersion: number, record: R | null): WriteOutcome<R> {
  return {
    ok: false,
    unchanged: false,
    record,
    inputErrors: [],
    error: { code: "CONFLICT", message: conflictMessage(type, version, currentVersion), currentVersion },
  };
}

export function refused<R>(message: string, record: R | null): WriteOutcome<R> {
  return {
    ok: false,
    unchanged: false,
    record,
    inputErrors: [],
    error: { code: "REFUSED", message, currentVersion: null },
  };
}
