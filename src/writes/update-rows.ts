import { getTableName, sql } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Drizzle } from "../db/client.js";

const CHUNK = 1000;

/**
 * Every changed row written with one UPDATE … FROM jsonb_to_recordset per distinct set of changed
 * columns (a batch of schooling records is one statement, not 5,000), its version set to the one
 * the engine decided; a row changed only through its children or an effect gets its version alone.
 */
export async function updateRows(
  tx: Drizzle,
  table: PgTable,
  columns: Record<string, AnyPgColumn>,
  rows: ReadonlyMap<number, Record<string, unknown>>,
  dirty: ReadonlyMap<number, ReadonlySet<string>>,
): Promise<void> {
  const groups = new Map<string, number[]>();
  for (const [id, keys] of dirty) {
    const signature = [...keys].sort().join(",");
    const ids = groups.get(signature);
    if (ids) ids.push(id);
    else groups.set(signature, [id]);
  }
  const name = sql.identifier(getTableName(table));
  for (const [signature, ids] of groups) {
    const keys = [...(signature ? signature.split(",") : []), "version"];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const values = ids.slice(i, i + CHUNK).map((id) => {
        const row = rows.get(id)!;
        return Object.fromEntries([["id", id], ...keys.map((k) => [columns[k]!.name, row[k] ?? null])]);
      });
      const assignments = keys.map(
        (k) => sql`${sql.identifier(columns[k]!.name)} = v.${sql.identifier(columns[k]!.name)}`,
      );
      if (columns.updatedAt) assignments.push(sql`${sql.identifier(columns.updatedAt.name)} = now()`);
      const shape = [
        sql`id integer`,
        ...keys.map((k) => sql`${sql.identifier(columns[k]!.name)} ${sql.raw(columns[k]!.getSQLType())}`),
      ];
      await tx.execute(
        sql`UPDATE ${name} AS t SET ${sql.join(assignments, sql`, `)}
            FROM jsonb_to_recordset(${JSON.stringify(values)}::jsonb) AS v(${sql.join(shape, sql`, `)})
            WHERE t.id = v.id`,
      );
    }
  }
}
