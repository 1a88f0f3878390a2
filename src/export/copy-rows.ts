/**
 * The rows of `COPY (bulk rows statement) TO STDOUT (FORMAT binary)` (export-rows.ts: columns j, k,
 * h, n), read straight from PostgreSQL's bytes: a row's JSON text is copied from them into the
 * response's buffer and never becomes a JavaScript string, and nothing is allocated per row.
 *
 * Binary COPY: an 11-byte signature, 32-bit flags and a header extension (its length, then it);
 * then each tuple as a 16-bit field count and each field as a 32-bit length (-1: NULL) and its
 * bytes; a field count of -1 ends the data. text and json are sent as their UTF-8 text.
 */
export interface CopyRowSink {
  /** One row: its JSON text is `data[jStart, jEnd)`, its key text `data[kStart, kEnd)`. */
  row(data: Buffer, jStart: number, jEnd: number, kStart: number, kEnd: number, h: number | null, n: number): void;
}

const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

export class CopyRows {
  private tail: Buffer | null = null;
  private header = true;
  private finished = false;
  private readonly starts = new Int32Array(4);
  private readonly ends = new Int32Array(4);

  constructor(private readonly sink: CopyRowSink) {}

  /** Whether the trailer has been read (every row was). */
  get done(): boolean {
    return this.finished;
  }

  /** Reads every whole tuple of `chunk` (after what was left of the previous one). */
  push(chunk: Buffer): void {
    const data = this.tail ? Buffer.concat([this.tail, chunk]) : chunk;
    this.tail = null;
    let at = 0;
    if (this.header) {
      if (data.length < 19) return void (this.tail = data);
      if (!data.subarray(0, 11).equals(SIGNATURE)) throw new Error("not a binary COPY stream");
      const extension = data.readUInt32BE(15);
      if (data.length < 19 + extension) return void (this.tail = data);
      at = 19 + extension;
      this.header = false;
    }
    while (at + 2 <= data.length) {
      const fields = data.readInt16BE(at);
      if (fields === -1) {
        this.finished = true;
        return;
      }
      if (fields !== 4) throw new Error(`a bulk row has 4 columns, not ${fields}`);
      // The tuple's four fields, or the wait for the rest of it.
      let p = at + 2;
      const { starts, ends } = this;
      let whole = true;
      for (let f = 0; f < 4; f++) {
        if (p + 4 > data.length) {
          whole = false;
          break;
        }
        const length = data.readInt32BE(p);
        p += 4;
        starts[f] = p;
        if (length > 0) p += length;
        ends[f] = length < 0 ? -1 : p;
        if (p > data.length) {
          whole = false;
          break;
        }
      }
      if (!whole) break;
      const h = ends[2] === -1 ? null : int(data, starts[2]!, ends[2]!);
      const n = ends[3] === -1 ? 0 : int(data, starts[3]!, ends[3]!);
      this.sink.row(data, starts[0]!, Math.max(ends[0]!, starts[0]!), starts[1]!, Math.max(ends[1]!, starts[1]!), h, n);
      at = p;
    }
    if (at < data.length) this.tail = data.subarray(at);
  }
}

/** An int4 or int8 field. */
function int(data: Buffer, start: number, end: number): number {
  return end - start === 8 ? Number(data.readBigInt64BE(start)) : data.readInt32BE(start);
}
