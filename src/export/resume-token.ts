import { createHash } from "node:crypto";
import { ExportError } from "./export.errors.js";

/**
 * Where an export stands, as the opaque `resume` token of its page lines: the snapshot it reads
 * (PostgreSQL's exported snapshot id; null on PGlite), the keyset cursor of the last row delivered,
 * how many rows were delivered before it, and a fingerprint of the export (principal, operation,
 * variables) so that a token continues only the export it came from.
 */
export interface ResumeToken {
  v: 1;
  /** The snapshot (pg_export_snapshot()) the rows come from; null where none outlives the export. */
  s: string | null;
  /** Cursor of the last row delivered; null before the first. */
  a: string | null;
  /** Rows delivered up to the cursor. */
  n: number;
  /** The export's fingerprint (exportFingerprint). */
  h: string;
}

const SNAPSHOT_ID = /^[0-9A-F]{1,16}-[0-9A-F]{1,16}-[0-9]{1,10}$/i;

export function encodeToken(token: ResumeToken): string {
  return Buffer.from(JSON.stringify(token)).toString("base64url");
}

export function decodeToken(text: string, fingerprint: string): ResumeToken {
  let parsed: Partial<ResumeToken> | null;
  try {
    parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as Partial<ResumeToken>;
  } catch {
    parsed = null;
  }
  const valid =
    text.length <= 2000 &&
    parsed !== null &&
    typeof parsed === "object" &&
    parsed.v === 1 &&
    (parsed.s === null || (typeof parsed.s === "string" && SNAPSHOT_ID.test(parsed.s))) &&
    (parsed.a === null || (typeof parsed.a === "string" && parsed.a.length <= 500)) &&
    Number.isSafeInteger(parsed.n) &&
    parsed.n! >= 0 &&
    typeof parsed.h === "string";
  if (!valid)
    throw new ExportError(
      "EXPORT_RESUME_INVALID",
      "The resume token is malformed: pass one from an export's page or end line.",
      400,
    );
  if (parsed!.h !== fingerprint) {
    throw new ExportError(
      "EXPORT_RESUME_INVALID",
      "The resume token belongs to another export: resume with the same credentials, operation and variables.",
      400,
    );
  }
  return parsed as ResumeToken;
}

/** Identifies an export: who asks, which operation and which variables (not the format). */
export function exportFingerprint(
  principal: string,
  query: string,
  operationName: string | null,
  variables: unknown,
): string {
  return createHash("sha256")
    .update(JSON.stringify([principal, query, operationName, variables ?? {}]))
    .digest("base64url")
    .slice(0, 22);
}
