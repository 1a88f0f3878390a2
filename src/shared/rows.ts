import { toGlobalId } from "./global-id.js";

/** A fetched row: its database key kept as `rowId`, its `id` replaced by the Relay global id. */
export type Node<R> = Omit<R, "id"> & { id: string; rowId: number };

/** Sets global ids in place (one pass, no copies): big pages stay cheap. */
export function withGlobalIds<R extends { id: number }>(type: string, rows: R[]): Node<R>[] {
  for (const row of rows as unknown as { id: number | string; rowId: number }[]) {
    row.rowId = row.id as number;
    row.id = toGlobalId(type, row.id);
  }
  return rows as unknown as Node<R>[];
}

/** Timestamps leave the repository as ISO strings, so the GraphQL fields stay plain row properties. */
export function isoTimestamps(rows: Record<string, unknown>[], fields: readonly string[]): void {
  for (const row of rows) {
    for (const f of fields) {
      const v = row[f];
      if (v instanceof Date) row[f] = v.toISOString();
    }
  }
}
