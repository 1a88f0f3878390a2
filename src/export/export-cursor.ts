import { sql, type SQL } from "drizzle-orm";
import type { Drizzle } from "../db/client.js";
import type { BulkRow } from "./export-rows.js";

/** Rows fetched from the cursor at a time: large enough that a fetch's round trip is noise. */
export const FETCH_ROWS = 2000;

/**
 * A server-side cursor (DECLARE … CURSOR) in the export's snapshot transaction, read in batches:
 * while one batch is written to the client the next is already being fetched, and no further one
 * until it is taken, so at most two batches are held whatever the export's size (the client's
 * pace, through the response's backpressure, sets the database's).
 */
export class BulkCursor {
  private declared: Promise<unknown> | null = null;
  private pending: Promise<BulkRow[]> | null = null;
  private done = false;

  constructor(
    private readonly tx: Drizzle,
    private readonly query: SQL,
    private readonly size: number,
  ) {}

  /** The next batch; empty once the rows are exhausted. */
  async next(): Promise<BulkRow[]> {
    if (this.done) return [];
    this.declared ??= rowsOf(this.tx, sql`DECLARE xg_export NO SCROLL CURSOR FOR ${this.query}`);
    await this.declared;
    const batch = await (this.pending ?? this.fetch());
    this.pending = null;
    if (batch.length < this.size) this.done = true;
    else this.pending = this.fetch();
    // A rejected prefetch is met by the next call (or by close): never unhandled meanwhile.
    this.pending?.catch(() => {});
    return batch;
  }

  /** Closes the cursor (a kept snapshot's transaction holds no portal); a failed transaction needs nothing. */
  async close(): Promise<void> {
    this.done = true;
    if (!this.declared) return;
    try {
      await this.declared;
      await this.pending;
      await rowsOf(this.tx, sql`CLOSE xg_export`);
    } catch {
      // The transaction failed (the export reports its error): its cursor went with it.
    }
  }

  private fetch(): Promise<BulkRow[]> {
    return rowsOf(this.tx, sql.raw(`FETCH FORWARD ${this.size} FROM xg_export`));
  }
}

/** A statement's rows in the transaction, the same shape on both drivers. */
async function rowsOf<T = BulkRow>(tx: Drizzle, query: SQL): Promise<T[]> {
  const result = (await tx.execute(query)) as unknown;
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}
