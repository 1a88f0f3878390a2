import { getTableColumns, inArray, sql } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Drizzle } from "../db/client.js";
import type { Row, WriteRecord } from "./engine.js";
import type { Change } from "./history.js";

/**
 * Rows kept under a versioned row and told apart by a key (an asset's income of a year, a
 * household's income of a year and kind): each given row replaces the one of the same key, and
 * only where a value differs. The table needs a unique key on (parent, …key) for the upsert.
 */
export interface ChildRows {
  /** The policy's field of the parent type these rows are (e.g. `incomes`). */
  field: string;
  table: PgTable;
  /** The property of a child holding its parent's id. */
  parent: string;
  /** The properties that tell one child from another under its parent. */
  key: readonly string[];
  /** The children to record, without the parent's id. */
  rows: readonly Row[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

interface TableState {
  spec: Pick<ChildRows, "table" | "parent" | "key">;
  existing: Map<string, Row>;
  pending: Map<string, Row>;
}

/** The children of every record's row, by child table: one SELECT per table for the whole batch. */
export type Children = Map<PgTable, TableState>;

const keyOf = (spec: TableState["spec"], parentId: number, row: Row) =>
  JSON.stringify([parentId, ...spec.key.map((k) => row[k])]);

export async function loadChildren(tx: Drizzle, records: readonly WriteRecord[]): Promise<Children> {
  const state: Children = new Map();
  const parents = new Map<PgTable, { spec: ChildRows; ids: Set<number> }>();
  for (const record of records) {
    if (!record.children) continue;
    const entry = parents.get(record.children.table) ?? { spec: record.children, ids: new Set<number>() };
    entry.ids.add(record.id);
    parents.set(record.children.table, entry);
  }
  for (const [table, { spec, ids }] of parents) {
    const columns = getTableColumns(table) as Record<string, AnyPgColumn>;
    const rows = (await tx
      .select()
      .from(table)
      .where(inArray(columns[spec.parent]!, [...ids]))) as Row[];
    const existing = new Map(rows.map((row) => [keyOf(spec, row[spec.parent] as number, row), row]));
    state.set(table, { spec, existing, pending: new Map() });
  }
  return state;
}

/** The children of one record that differ from what is recorded; they are queued to be written. */
export function childChanges(state: Children, parentId: number, children: ChildRows): Change[] {
  const table = state.get(children.table)!;
  const changes: Change[] = [];
  for (const row of children.rows) {
    const key = keyOf(table.spec, parentId, row);
    const recorded = table.existing.get(key);
    if (recorded && Object.entries(row).every(([k, v]) => same(recorded[k], v))) continue;
    const full = { ...row, [children.parent]: parentId };
    changes.push({
      field: children.field,
      oldValue: recorded ? strip(recorded, children.parent) : null,
      newValue: row,
    });
    table.existing.set(key, { ...recorded, ...full });
    table.pending.set(key, full);
  }
  return changes;
}

const strip = (row: Row, parent: string) => Object.fromEntries(Object.entries(row).filter(([k]) => k !== parent));

/** Every queued child, one INSERT … ON CONFLICT DO UPDATE per table (and per thousand rows). */
export async function writeChildren(tx: Drizzle, state: Children): Promise<void> {
  for (const [table, { spec, pending }] of state) {
    if (!pending.size) continue;
    const columns = getTableColumns(table) as Record<string, AnyPgColumn>;
    const rows = [...pending.values()];
    const keys = new Set([spec.parent, ...spec.key]);
    const updated = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => !keys.has(k));
    const set = Object.fromEntries(updated.map((k) => [k, sql.raw(`excluded.${JSON.stringify(columns[k]!.name)}`)]));
    for (let i = 0; i < rows.length; i += 1000) {
      await tx
        .insert(table)
        .values(rows.slice(i, i + 1000))
        .onConflictDoUpdate({ target: [...keys].map((k) => columns[k]!), set });
    }
  }
}
