import { createHash, createHmac } from "node:crypto";

/**
 * The read audit's chain, and nothing else: what an entry's link covers, how it is computed, and
 * how a sequence of entries is checked. Writers (however they batch) and `audit:verify` share it.
 *
 * An entry's link (`hash`) is HMAC-SHA256, under a key the database does not hold, over the link
 * of the entry before it and the entry's own content, its position (`seq`) included. Whoever can
 * write to the database but does not hold the key cannot produce a valid link: not for a changed
 * entry, nor for the entries after one removed from the middle. What the chain alone cannot show —
 * entries removed from its end — the signed checkpoints (audit-checkpoint.ts) show.
 */

export const GENESIS = "0".repeat(64);

export interface ChainKey {
  secret: Buffer;
  /** A short public fingerprint of the key, stored with each entry it linked. */
  id: string;
}

export function chainKey(secret: Buffer): ChainKey {
  const id = createHash("sha256").update("xiangcun-audit-key-id\u0000").update(secret).digest("hex").slice(0, 16);
  return { secret, id };
}

/** An entry's content: every column but the database id and the links. */
export interface EntryContent {
  at: string;
  principal: string;
  department: string;
  region: string;
  operationName: string | null;
  documentHash: string;
  fields: string[];
  recordCount: number;
  householdIds: number[];
  purpose: string | null;
  purposeText: string | null;
  requestId: string;
  correlationId: string | null;
}

/** An entry as stored: content, position and key (null before the chain was keyed), links. */
export interface ChainedEntry extends EntryContent {
  seq: number | null;
  keyId: string | null;
  prevHash: string;
  hash: string;
}

export interface ChainHead {
  /** Entries in the chain so far, unkeyed ones included: the next entry's `seq` is this + 1. */
  entries: number;
  /** The link of the last entry (GENESIS for an empty chain). */
  hash: string;
}

function keyedLink(key: ChainKey, prevHash: string, e: EntryContent & { seq: number }): string {
  const canonical = JSON.stringify([
    e.seq,
    key.id,
    e.at,
    e.principal,
    e.department,
    e.region,
    e.operationName,
    e.documentHash,
    e.fields,
    e.recordCount,
    e.householdIds,
    e.purpose,
    e.purposeText,
    e.requestId,
    e.correlationId,
  ]);
  return createHmac("sha256", key.secret).update(prevHash).update(canonical).digest("hex");
}

/**
 * The link of entries written before migration 0009: plain SHA-256, which anyone with write access
 * can recompute. Kept to verify those entries, which the first keyed entry then seals.
 */
export function unkeyedLink(prevHash: string, e: EntryContent): string {
  const canonical = JSON.stringify([
    e.at,
    e.principal,
    e.department,
    e.region,
    e.operationName,
    e.documentHash,
    e.fields,
    e.recordCount,
    e.householdIds,
    e.purpose,
    e.requestId,
  ]);
  return createHash("sha256").update(prevHash).update(canonical).digest("hex");
}

/** Links new entries after `head`, in order; returns them as stored and the new head. */
export function extendChain(
  key: ChainKey,
  head: ChainHead,
  contents: readonly EntryContent[],
): { entries: ChainedEntry[]; head: ChainHead } {
  let { entries: seq, hash: prevHash } = head;
  const entries = contents.map((content) => {
    seq += 1;
    const hash = keyedLink(key, prevHash, { ...content, seq });
    const entry = { ...content, seq, keyId: key.id, prevHash, hash };
    prevHash = hash;
    return entry;
  });
  return { entries, head: { entries: seq, hash: prevHash } };
}

/**
 * Checks entries one by one in chain order (ascending id), from the first: each must link to the
 * one before, sit at its position, and carry the link its content gives under the key. Unkeyed
 * entries may only precede the keyed ones (entries from before the chain was keyed).
 */
export class ChainVerifier {
  /** Entries checked so far, and how many of them were unkeyed. */
  entries = 0;
  unkeyed = 0;
  private hash = GENESIS;

  constructor(private readonly key: ChainKey) {}

  /** Why this entry breaks the chain, or undefined when it holds. */
  check(row: ChainedEntry): string | undefined {
    const position = this.entries + 1;
    if (row.prevHash !== this.hash) return "it does not link to the entry before it (an entry was removed or changed)";
    if (row.keyId === null || row.seq === null) {
      if (this.entries > this.unkeyed) return "it is unkeyed but follows keyed entries (rewritten without the key)";
      if (unkeyedLink(this.hash, row) !== row.hash) return "its content differs from its (unkeyed) hash";
      this.unkeyed += 1;
    } else {
      if (row.keyId !== this.key.id) return `it was linked with another key (${row.keyId}, expected ${this.key.id})`;
      if (row.seq !== position) return `it says it is entry ${row.seq} but is entry ${position} (entries were removed)`;
      if (keyedLink(this.key, this.hash, { ...row, seq: row.seq }) !== row.hash) {
        return "its content or link differs from its HMAC (changed without the key)";
      }
    }
    this.entries = position;
    this.hash = row.hash;
    return undefined;
  }
}
