import type { ServerResponse } from "node:http";
import type { Writable } from "node:stream";
import { createGzip, type Gzip } from "node:zlib";
import { ExportError } from "./export.errors.js";

/**
 * zlib's level for gzipped exports: JSON Lines compress about as well at 3 as at the default 6, at
 * a fraction of the CPU, which the rows' rate is bound by.
 */
const GZIP_LEVEL = 3;

/** The client hung up: the export stops after the page it was writing. */
export class ClientGone extends Error {
  constructor() {
    super("The client closed the connection during the export.");
  }
}

/**
 * The response an export streams into, gzipped when asked. Each write waits for the socket to
 * drain when its buffer is full (backpressure: a page is read from the database only when the
 * previous one has left), so memory stays at about one page whatever the export's size. A client
 * that reads nothing for `stallMs` ends the export (EXPORT_STALLED); one that hangs up, ClientGone.
 */
export class ExportOutput {
  private readonly out: Writable;
  private readonly gzip: Gzip | null;
  private gone = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly res: ServerResponse,
    gzip: boolean,
    private readonly stallMs: number,
  ) {
    this.gzip = gzip ? createGzip({ level: GZIP_LEVEL }) : null;
    if (this.gzip) {
      this.gzip.pipe(res);
      this.gzip.on("error", () => this.hangUp());
    }
    this.out = this.gzip ?? res;
    res.on("close", () => {
      if (!res.writableFinished) this.hangUp();
    });
    // Gone already (while the first page was read): nothing will drain.
    if (res.destroyed || !res.socket || res.socket.destroyed) this.gone = true;
  }

  get closed(): boolean {
    return this.gone;
  }

  /** Writes text; `boundary` flushes the compressor so that the client sees a page line at once. */
  async write(text: string | Buffer, boundary = false): Promise<void> {
    if (!this.send(text, boundary)) await this.drained();
  }

  /** Writes at once, without waiting: false when the caller should wait for `drained()` before more. */
  send(data: string | Buffer, boundary = false): boolean {
    if (this.gone) throw new ClientGone();
    const room = this.out.write(data);
    if (boundary) this.gzip?.flush();
    return room;
  }

  /** Resolves when the response's buffer has drained (the client's pace); throws when it is gone or stalled. */
  async drained(): Promise<void> {
    if (this.gone) throw new ClientGone();
    if (!this.out.writableNeedDrain) return;
    let timer: NodeJS.Timeout | undefined;
    const stalled = await new Promise<boolean>((resolve) => {
      this.wake = () => resolve(false);
      this.out.once("drain", this.wake);
      timer = setTimeout(() => resolve(true), this.stallMs);
    });
    clearTimeout(timer);
    if (this.wake) this.out.off("drain", this.wake);
    this.wake = null;
    if (this.gone) throw new ClientGone();
    if (stalled) {
      throw new ExportError(
        "EXPORT_STALLED",
        `The client read nothing for ${Math.round(this.stallMs / 1000)} s: the export was ended.`,
        408,
      );
    }
  }

  /** Ends the response (after a last line, if any). */
  end(text?: string): Promise<void> {
    return new Promise((resolve) => {
      if (this.gone) return resolve();
      this.res.once("close", () => resolve());
      this.out.end(text ?? "", () => resolve());
    });
  }

  /** Drops the connection (a stalled client): nothing more can be said to it. */
  destroy(): void {
    this.hangUp();
    this.res.destroy();
  }

  private hangUp() {
    this.gone = true;
    this.wake?.();
  }
}

/** One CSV record (RFC 4180): quoted when needed, lists as JSON, null as an empty cell. */
export function csvRecord(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The byte-order mark that makes Excel read the file as UTF-8. */
export const UTF8_BOM = "\uFEFF";
