import {
  createWriteStream,
  existsSync,
  readFileSync,
  renameSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { once } from "node:events";
import { csvRecord, UTF8_BOM } from "./export-output.js";

/**
 * The integrator's side of POST /export (`npm run export`): streams an export into a file and keeps
 * beside it a small state file (`<out>.export.json`) with the last resume token and how many bytes
 * of the file it covers. After an interruption `resume` cuts the file back to that length and asks
 * the server to continue after the token, so that every row ends up in the file exactly once.
 *
 * The client always asks for JSON Lines (their page lines carry the resume tokens); `csv` writes
 * the rows of a flat selection as CSV (UTF-8 with BOM, the server's own encoding) on this side.
 */
export interface ExportClientOptions {
  url: string;
  apiKey: string;
  query: string;
  variables: Record<string, unknown>;
  operationName?: string;
  out: string;
  format: "jsonl" | "csv";
  resume: boolean;
  /** When the snapshot is gone, continue at the current data (the server's `fresh=true`). */
  fresh: boolean;
  purpose?: string;
  /** Called with the header line, then after every page with the rows written so far. */
  progress?: (event: { total: number | null; rows: number; done: boolean }) => void;
}

export interface ExportState {
  query: string;
  variables: Record<string, unknown>;
  format: "jsonl" | "csv";
  /** The last resume token received, and the file's length and rows when it was. */
  resume: string | null;
  bytes: number;
  rows: number;
  total: number | null;
  fields: string[] | null;
  snapshot: string | null;
  complete: boolean;
}

export class ExportClientError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

export const stateFile = (out: string) => `${out}.export.json`;

function saveState(out: string, state: ExportState) {
  const path = stateFile(out);
  writeFileSync(`${path}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${path}.tmp`, path);
}

export function readState(out: string): ExportState | null {
  const path = stateFile(out);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as ExportState) : null;
}

export async function exportToFile(o: ExportClientOptions): Promise<ExportState> {
  let state: ExportState = {
    query: o.query,
    variables: o.variables,
    format: o.format,
    resume: null,
    bytes: 0,
    rows: 0,
    total: null,
    fields: null,
    snapshot: null,
    complete: false,
  };
  if (o.resume) {
    const saved = readState(o.out);
    if (!saved) throw new ExportClientError(`Nothing to resume: ${stateFile(o.out)} does not exist.`, null);
    if (saved.complete) return saved;
    if (
      saved.query !== o.query ||
      JSON.stringify(saved.variables) !== JSON.stringify(o.variables) ||
      saved.format !== o.format
    ) {
      throw new ExportClientError("The operation, variables or format differ from the interrupted export's.", null);
    }
    state = saved;
    // What came after the last page line the server confirmed is dropped: it comes again.
    if (existsSync(o.out) && statSync(o.out).size > state.bytes) truncateSync(o.out, state.bytes);
  }
  const url = new URL("/export", o.url);
  if (state.resume) url.searchParams.set("resume", state.resume);
  if (o.fresh) url.searchParams.set("fresh", "true");
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "accept-encoding": "gzip",
      "x-api-key": o.apiKey,
      ...(o.purpose ? { "x-purpose": encodeURIComponent(o.purpose) } : {}),
    },
    body: JSON.stringify({ query: o.query, variables: o.variables, operationName: o.operationName }),
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as {
      errors?: { message: string; extensions?: { code?: string } }[];
    } | null;
    const error = body?.errors?.[0];
    throw new ExportClientError(error?.message ?? `HTTP ${response.status}`, error?.extensions?.code ?? null);
  }
  const file = createWriteStream(o.out, { flags: state.bytes ? "r+" : "w", start: state.bytes });
  let bytes = state.bytes;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!file.write(text)) await once(file, "drain");
  };
  const flushed = () => new Promise<void>((resolve, reject) => file.write("", (e) => (e ? reject(e) : resolve())));
  try {
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      let newline: number;
      let rowsText = "";
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (!line.startsWith('{"@export"')) {
          if (o.format === "csv") {
            const row = JSON.parse(line) as Record<string, unknown>;
            rowsText += csvRecord(state.fields!.map((f) => row[f]));
          } else rowsText += `${line}\n`;
          state.rows++;
          continue;
        }
        await write(rowsText);
        rowsText = "";
        const control = JSON.parse(line) as Record<string, unknown>;
        if (control["@export"] === "header") {
          state.total = (control.total as number | null) ?? null;
          state.snapshot = (control.snapshot as string | null) ?? null;
          state.fields = control.fields as string[];
          if (o.format === "csv" && state.fields.some((f) => f.includes("."))) {
            throw new ExportClientError(
              "CSV takes a flat selection (fields of the node only): export nested objects as JSON Lines.",
              "EXPORT_CSV_NESTED",
            );
          }
          if (o.format === "csv" && bytes === 0) await write(UTF8_BOM + csvRecord(state.fields));
          if (!state.resume) state.resume = control.resume as string;
        } else if (control["@export"] === "page" || control["@export"] === "end") {
          await flushed();
          state = { ...state, resume: control.resume as string, bytes, rows: control.rows as number };
          state.complete = control["@export"] === "end";
        } else if (control["@export"] === "error") {
          const error = control.error as { message: string; extensions?: { code?: string } };
          throw new ExportClientError(error.message, error.extensions?.code ?? null);
        }
        saveState(o.out, state);
        o.progress?.({ total: state.total, rows: state.rows, done: state.complete });
      }
      if (rowsText) await write(rowsText);
    }
    if (!state.complete) throw new ExportClientError("The connection ended before the export did.", null);
    return state;
  } finally {
    file.end();
    await once(file, "close").catch(() => {});
  }
}
