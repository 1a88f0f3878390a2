import type { Readable } from "node:stream";
import { copySilent, type CopyOut } from "../db/copy-out.js";
import { DeadlineExceededError } from "../shared/errors.js";
import type { ExportTally } from "./export-audit.js";
import type { BulkRows } from "./export-rows.js";
import { CopyRows } from "./copy-rows.js";
import { csvRecord, type ExportOutput } from "./export-output.js";

/**
 * Bytes gathered before they are written: a write per row would cost a chunk (and, gzipped, a
 * compressor call) per row. A fresh buffer each time, since the socket holds the last until sent.
 */
const CHUNK_BYTES = 64 * 1024;

export interface CopyStream {
  copy: CopyOut;
  bulk: BulkRows;
  out: ExportOutput;
  /** CSV's columns, or null for JSON Lines. */
  columns: readonly string[] | null;
  pageSize: number;
  tally: ExportTally;
  /** Ends the COPY when it aborts (the server is stopping, the database is unreachable). */
  signal: AbortSignal;
  /** `count` more rows were delivered, the last of them at `cursor` (null: none). */
  delivered(count: number, cursor: string | null): void;
  /** The line after a full page (after `delivered` was told of it). */
  pageLine(): string;
}

/**
 * An export's rows after its first page, from PostgreSQL's COPY of the bulk rows statement: each
 * row's JSON text goes from the bytes PostgreSQL sent to the response without becoming a string
 * (CSV parses it, for its columns). Reading waits for the response to drain, and postgres.js
 * pauses the socket meanwhile, so PostgreSQL sends no faster than the client reads. The COPY is
 * cancelled whatever ends it early (the client hanging up, a stall, the server stopping).
 */
export async function streamCopy(s: CopyStream): Promise<void> {
  const { copy, bulk, out, columns, pageSize, tally } = s;
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  let inPage = 0;
  // The last row's key, where it lies: decoded only when a page ends.
  let keyData: Buffer | null = null;
  let keyStart = 0;
  let keyEnd = 0;
  let personal = false;
  let room = true;

  const flush = (boundary = false) => {
    if (used === 0 && !boundary) return;
    room = out.send(chunk.subarray(0, used), boundary) && room;
    chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    used = 0;
  };
  const append = (data: Buffer, start: number, end: number) => {
    if (used + end - start > CHUNK_BYTES) flush();
    if (end - start > CHUNK_BYTES) room = out.send(Buffer.from(data.subarray(start, end))) && room;
    else used += data.copy(chunk, used, start, end);
  };
  const appendText = (text: string) => {
    const bytes = Buffer.byteLength(text);
    if (used + bytes > CHUNK_BYTES) flush();
    if (bytes > CHUNK_BYTES) room = out.send(text) && room;
    else used += chunk.write(text, used);
  };
  const newline = Buffer.from("\n");
  const lastCursor = () => (keyData ? bulk.cursorOf(keyData.toString("utf8", keyStart, keyEnd)) : null);

  const rows = new CopyRows({
    row(data, jStart, jEnd, kStart, kEnd, h, n) {
      if (inPage === pageSize) {
        // A full page with more rows after it: its page line, then it leaves.
        s.delivered(inPage, lastCursor());
        inPage = 0;
        appendText(s.pageLine());
        flush(true);
      }
      if (columns) {
        const node = JSON.parse(data.toString("utf8", jStart, jEnd)) as Record<string, unknown>;
        appendText(csvRecord(columns.map((c) => node[c])));
      } else {
        append(data, jStart, jEnd);
        append(newline, 0, 1);
      }
      tally.addRow(h, n);
      personal ||= n > 0;
      keyData = data;
      keyStart = kStart;
      keyEnd = kEnd;
      inPage++;
    },
  });

  const stop = () => void copy.close();
  s.signal.addEventListener("abort", stop, { once: true });
  // PostgreSQL sending nothing for copy.idleMs while the export waits for it (not for its client)
  // ends the COPY: a count of chunks, looked at by one timer.
  let paused = false;
  let seen = 0;
  let silent: DeadlineExceededError | null = null;
  let watch: NodeJS.Timeout | null = null;
  if (copy.idleMs > 0) {
    let lastSeen = -1;
    let quietSince = performance.now();
    watch = setInterval(
      () => {
        if (paused || seen !== lastSeen) {
          lastSeen = seen;
          quietSince = performance.now();
        } else if (!silent && performance.now() - quietSince >= copy.idleMs) {
          silent = copySilent(copy.idleMs);
          void copy.close();
        }
      },
      Math.min(copy.idleMs / 4, 1000),
    );
    watch.unref();
  }
  try {
    try {
      await pump(copy.stream, (data, pause) => {
        seen++;
        rows.push(data);
        if (room) return;
        // The response is full: the COPY's stream holds what comes meanwhile (and postgres.js
        // pauses its socket once that is more than a little) until the client has read.
        paused = true;
        pause(
          out.drained().then(() => {
            room = true;
            paused = false;
          }),
        );
      });
    } catch (error) {
      // A COPY ended by the abort (or for its silence) fails with its lost connection: the abort's
      // reason says why.
      throw s.signal.aborted ? s.signal.reason : (silent ?? error);
    }
    if (silent) throw silent;
    if (s.signal.aborted) throw s.signal.reason;
    if (!rows.done) throw new Error("the export's COPY ended before its last row");
    s.delivered(inPage, lastCursor());
    inPage = 0;
    flush();
    if (!room) await out.drained();
  } finally {
    if (watch) clearInterval(watch);
    s.signal.removeEventListener("abort", stop);
    if (personal) tally.addFields(bulk.personalFields);
    await copy.close();
  }
}

/**
 * Reads a stream by its `data` events, each handled as it comes: postgres.js pushes a COPY's rows
 * one by one, and an async iterator would cost a promise and a copy of what was buffered per read.
 * `handle` may pause the stream until a promise settles (resolved: read on; rejected: the end).
 * Resolves when the stream ends or closes, rejects with its error or the handler's.
 */
function pump(stream: Readable, handle: (data: Buffer, pause: (until: Promise<void>) => void) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let over = false;
    const finish = (error?: unknown) => {
      if (over) return;
      over = true;
      stream.off("data", onData);
      if (error === undefined) resolve();
      else {
        stream.pause();
        reject(error);
      }
    };
    const pause = (until: Promise<void>) => {
      stream.pause();
      until.then(() => over || stream.resume(), finish);
    };
    const onData = (data: Buffer) => {
      if (over) return;
      try {
        handle(data, pause);
      } catch (error) {
        finish(error);
      }
    };
    stream.on("data", onData);
    stream.once("end", () => finish());
    stream.once("close", () => finish());
    stream.once("error", (error) => finish(error));
  });
}
