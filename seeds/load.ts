/** Writes generated batches with COPY (CSV), in chunks, then moves identity sequences past the explicit ids. */
import { sql } from "drizzle-orm";
import type { Database } from "../src/db/client.js";
import { type Cell, type Row, type TableBatch, type TableName, TABLES_WITH_IDS } from "./tables.js";

export const DEFAULT_CHUNK_ROWS = 20_000;

function arrayLiteral(values: readonly string[]): string {
  const items = values.map((v) =>
    /^[A-Za-z0-9_]+$/.test(v) ? v : `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`,
  );
  return `{${items.join(",")}}`;
}

/** One CSV field for COPY ... (FORMAT csv): NULL is an empty unquoted field, "" an empty string. */
export function csvField(value: Cell): string {
  if (value === null) return "";
  if (typeof value === "boolean") return value ? "t" : "f";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`non-finite number in seed data: ${value}`);
    return String(value);
  }
  const text = typeof value === "string" ? value : arrayLiteral(value);
  if (text === "" || /[",\n\r\\]/.test(text) || text.trim() !== text) return `"${text.replace(/"/g, '""')}"`;
  return text;
}

export function toCsv(rows: readonly Row[]): string {
  let out = "";
  for (const row of rows) {
    let line = "";
    for (let i = 0; i < row.length; i++) line += (i === 0 ? "" : ",") + csvField(row[i]!);
    out += line + "\n";
  }
  return out;
}

/** COPYs one batch in chunks of `chunkRows` rows. */
export async function copyBatch(database: Database, batch: TableBatch, chunkRows = DEFAULT_CHUNK_ROWS): Promise<void> {
  for (let i = 0; i < batch.rows.length; i += chunkRows) {
    await database.copyCsv(batch.table, batch.columns, toCsv(batch.rows.slice(i, i + chunkRows)));
  }
}

/** After explicit ids were loaded, the next generated id must come after them. */
export async function resetSequences(
  database: Database,
  tables: readonly TableName[] = TABLES_WITH_IDS,
): Promise<void> {
  for (const table of tables) {
    await database.rows(
      sql.raw(
        `SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), m) FROM (SELECT max(id) AS m FROM "${table}") s WHERE m IS NOT NULL`,
      ),
    );
  }
}
