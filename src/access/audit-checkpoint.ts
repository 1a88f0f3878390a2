import { randomBytes, sign, verify, type KeyObject } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { ConfigError } from "../config.js";
import { log } from "../shared/log.js";

/**
 * Signed checkpoints of the read audit, kept outside the database (as X-Road's signed logs are):
 * a statement "the chain had N entries, the last one id I with link H, at time T", signed with
 * Ed25519. Whoever rewrites the database cannot move them: a tail removed or a chain rewritten
 * no longer matches the last checkpoint, and a checkpoint cannot be forged without the signing key.
 */

const statementSchema = z
  .object({
    version: z.literal(1),
    /** Entries in the chain up to and including `lastId`. */
    entries: z.number().int().min(0),
    /** Database id of the last entry (0 for an empty chain) and its link. */
    lastId: z.number().int().min(0),
    head: z.string().regex(/^[0-9a-f]{64}$/),
    /** How many entries at the start were written before the chain was keyed. */
    unkeyedEntries: z.number().int().min(0),
    /** Fingerprint of the HMAC key the chain is linked with. */
    keyId: z.string(),
    at: z.string(),
  })
  .strict();

export type CheckpointStatement = z.infer<typeof statementSchema>;

const fileSchema = z.object({ statement: statementSchema, signature: z.string() }).strict();

export interface Checkpoint {
  file: string;
  statement: CheckpointStatement;
}

/** The bytes signed: the statement's fields in a fixed order. */
function signedBytes(s: CheckpointStatement): Buffer {
  const ordered: CheckpointStatement = {
    version: s.version,
    entries: s.entries,
    lastId: s.lastId,
    head: s.head,
    unkeyedEntries: s.unkeyedEntries,
    keyId: s.keyId,
    at: s.at,
  };
  return Buffer.from(JSON.stringify(ordered));
}

/**
 * Writes one signed checkpoint into `dir` (created if needed). Names sort by entry count, so the
 * newest is last; several servers on one database each write their own files, never the same one.
 */
export function writeCheckpoint(dir: string, statement: CheckpointStatement, privateKey: KeyObject): string {
  mkdirSync(dir, { recursive: true });
  const signature = sign(null, signedBytes(statement), privateKey).toString("base64");
  const stamp = statement.at.replace(/[-:.]/g, "");
  const name = `${String(statement.entries).padStart(12, "0")}-${stamp}-${randomBytes(3).toString("hex")}.json`;
  const path = join(dir, name);
  // Written aside and renamed: a reader never sees half a file.
  writeFileSync(`${path}.tmp`, `${JSON.stringify({ statement, signature }, null, 2)}\n`, { mode: 0o644 });
  renameSync(`${path}.tmp`, path);
  return path;
}

/** Every checkpoint in `dir` whose signature holds, and the files that are not valid checkpoints. */
export function readCheckpoints(
  dir: string,
  publicKey: KeyObject,
): { checkpoints: Checkpoint[]; invalid: { file: string; reason: string }[] } {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".json"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { checkpoints: [], invalid: [] };
    throw error;
  }
  const checkpoints: Checkpoint[] = [];
  const invalid: { file: string; reason: string }[] = [];
  for (const name of names.sort()) {
    const file = join(dir, name);
    let parsed: z.infer<typeof fileSchema>;
    try {
      parsed = fileSchema.parse(JSON.parse(readFileSync(file, "utf8")));
    } catch {
      invalid.push({ file, reason: "not a checkpoint (unreadable or malformed)" });
      continue;
    }
    const signed = verify(null, signedBytes(parsed.statement), publicKey, Buffer.from(parsed.signature, "base64"));
    if (!signed) invalid.push({ file, reason: "its signature does not hold (forged or altered)" });
    else checkpoints.push({ file, statement: parsed.statement });
  }
  checkpoints.sort((a, b) => a.statement.entries - b.statement.entries || a.statement.at.localeCompare(b.statement.at));
  return { checkpoints, invalid };
}

export interface ChainPosition {
  entries: number;
  lastId: number;
  head: string;
}

/**
 * When a server writes checkpoints: at start, after every `every` entries it appends, and
 * `seconds` after an entry no checkpoint covers yet — and a last one when it stops. A failed write
 * is logged loudly and retried with the next; it never fails a request.
 */
export class CheckpointSchedule {
  private latest: ChainPosition;
  private written = -1;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly dir: string,
    private readonly privateKey: KeyObject,
    private readonly keyId: string,
    private readonly unkeyedEntries: number,
    private readonly options: { every: number; seconds: number },
    start: ChainPosition,
  ) {
    this.latest = start;
    // A server that cannot anchor its audit does not start: the first checkpoint must be written.
    try {
      this.write(true);
    } catch (error) {
      throw new ConfigError(`The audit checkpoint folder ${dir} is not writable: ${(error as Error).message}`);
    }
    this.timer = setInterval(() => this.latest.entries !== this.written && this.write(), options.seconds * 1000);
    this.timer.unref();
  }

  /** The chain grew to `position` (this server's own append). */
  advanced(position: ChainPosition): void {
    if (position.entries <= this.latest.entries) return;
    this.latest = position;
    if (position.entries - this.written >= this.options.every) this.write();
  }

  close(): void {
    clearInterval(this.timer);
    if (this.latest.entries !== this.written) this.write();
  }

  private write(rethrow = false): void {
    const { entries, lastId, head } = this.latest;
    try {
      writeCheckpoint(
        this.dir,
        {
          version: 1,
          entries,
          lastId,
          head,
          unkeyedEntries: this.unkeyedEntries,
          keyId: this.keyId,
          at: new Date().toISOString(),
        },
        this.privateKey,
      );
      this.written = entries;
    } catch (error) {
      if (rethrow) throw error;
      log("error", "AUDIT CHECKPOINT NOT WRITTEN: the audit's tail is not anchored until one is", {
        dir: this.dir,
        error: String(error),
      });
    }
  }
}
