import { and, asc, getTableColumns, getTableName, inArray, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Context } from "../../context.js";
import type { Drizzle } from "../../db/client.js";
import { householdEvents, villageEvents } from "../../db/schema.js";
import { today } from "../../shared/dates.js";
import { raiseAlerts, type RowChange } from "../monitoring/alert.rules.js";

type Row = Record<string, unknown>;
type StatusEventKind = "EXITED" | "PLACED_UNDER_MONITORING" | "RETURNED_TO_POVERTY" | "RISK_ELIMINATED";

/** What is written to: one table, its GraphQL type, the principal's scope on it. */
export interface WriteTarget {
  table: PgTable;
  /** The GraphQL type, for history field names (Type.field). */
  type: string;
  scope: (ctx: Context) => SQL | undefined;
  /** The household whose history records the change, if any. */
  householdOf?: (row: Row) => number;
  /** The village whose history records the change (village fields), if any. */
  villageOf?: (row: Row) => number;
  /** A status change records one event of its own kind instead of one per field. */
  event?: (current: Row, record: WriteRecord) => { kind: StatusEventKind; occurredOn: string };
  /** Checked against the locked row: a rule the current state breaks (e.g. an impossible transition). */
  precondition?: (current: Row, record: WriteRecord) => string | null;
  /** More to write in the same transaction for the rows that changed (e.g. an alert's workflow event). */
  after?: (tx: Drizzle, changes: RowChange[]) => Promise<void>;
}

/** One row's write: the version the writer read, the values to set, and why. */
export interface WriteRecord {
  id: number;
  version: number;
  changes: Record<string, unknown>;
  reason: string | null;
  /** Per-record versions of the target's (a batch of status changes takes a different transition each). */
  event?: WriteTarget["event"];
  precondition?: WriteTarget["precondition"];
}

export type OwnedWrite = WriteTarget & WriteRecord;

export type WriteState =
  | { kind: "missing" }
  | { kind: "refused"; message: string }
  | { kind: "conflict"; currentVersion: number }
  | { kind: "unchanged" }
  | { kind: "applied"; version: number };

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const CHUNK = 1000;

/** One owned write in its own transaction (see applyOwnedWrites). */
export async function applyOwnedWrite(ctx: Context, write: OwnedWrite): Promise<WriteState> {
  const { id, version, changes, reason, ...target } = write;
  const [state] = await applyOwnedWrites(ctx, target, [{ id, version, changes, reason }]);
  return state!;
}

/**
 * Owned writes to many rows of one table in one transaction, with a constant number of statements
 * whatever the number of records: lock the rows in scope (one SELECT … FOR UPDATE), decide each
 * record against the row as the records before it left it (version, precondition, differing
 * fields), update every changed row from one JSON document per set of changed columns, append the
 * history events, and raise the risk alerts the changes cause. Records are decided in order, so a
 * second record for the same row must carry the version the first one produced.
 */
export async function applyOwnedWrites(
  ctx: Context,
  target: WriteTarget,
  records: readonly WriteRecord[],
  outer?: Drizzle,
): Promise<WriteState[]> {
  if (!records.length) return [];
  const work = async (tx: Drizzle) => {
    const columns = getTableColumns(target.table) as Record<string, AnyPgColumn>;
    const ids = [...new Set(records.map((r) => r.id))];
    const locked = (await tx
      .select()
      .from(target.table)
      .where(and(inArray(columns.id!, ids), target.scope(ctx)))
      .orderBy(asc(columns.id!))
      // No key column is ever written here: the weaker lock lets concurrent inserts that reference
      // these rows (history, alerts) check their foreign keys without waiting.
      .for("no key update")) as Row[];
    const original = new Map(locked.map((row) => [row.id as number, row]));
    const rows = new Map(locked.map((row) => [row.id as number, { ...row }]));
    const dirty = new Map<number, Set<string>>();
    const events: (typeof householdEvents.$inferInsert)[] = [];
    const villageHistory: (typeof villageEvents.$inferInsert)[] = [];
    const changes: RowChange[] = [];
    const { principal } = ctx.access;

    const states = records.map((record): WriteState => {
      const current = rows.get(record.id);
      if (!current) return { kind: "missing" };
      if (current.version !== record.version) return { kind: "conflict", currentVersion: current.version as number };
      const refusal = (record.precondition ?? target.precondition)?.(current, record);
      if (refusal) return { kind: "refused", message: refusal };
      const changed = Object.entries(record.changes).filter(([key, value]) => !same(current[key], value));
      if (!changed.length) return { kind: "unchanged" };
      const before = { ...current };
      for (const [key, value] of changed) current[key] = value;
      current.version = (current.version as number) + 1;
      const keys = dirty.get(record.id) ?? new Set<string>();
      for (const [key] of changed) keys.add(key);
      dirty.set(record.id, keys);
      const household = target.householdOf?.(current);
      if (household !== undefined) events.push(...historyEvents(target, record, before, changed, household, principal));
      const village = target.villageOf?.(current);
      if (village !== undefined) {
        for (const [field, value] of changed) {
          villageHistory.push({
            villageId: village,
            field: `${target.type}.${field}`,
            oldValue: before[field] ?? null,
            newValue: value ?? null,
            reason: record.reason ?? "",
            recordedBy: principal.id,
            department: principal.department,
          });
        }
      }
      changes.push({ before, after: { ...current }, fields: changed.map(([key]) => key), record });
      return { kind: "applied", version: current.version as number };
    });

    await updateRows(tx, target.table, columns, rows, dirty);
    for (let i = 0; i < events.length; i += CHUNK) {
      await tx.insert(householdEvents).values(events.slice(i, i + CHUNK));
    }
    for (let i = 0; i < villageHistory.length; i += CHUNK) {
      await tx.insert(villageEvents).values(villageHistory.slice(i, i + CHUNK));
    }
    if (changes.length) {
      await target.after?.(tx, changes);
      await raiseAlerts(ctx, tx, target.type, changes, original);
    }
    return states;
  };
  return outer ? work(outer) : ctx.db.transaction(work);
}

function historyEvents(
  target: WriteTarget,
  record: WriteRecord,
  before: Row,
  changed: [string, unknown][],
  householdId: number,
  principal: { id: string; department: string },
): (typeof householdEvents.$inferInsert)[] {
  const eventOf = record.event ?? target.event;
  if (eventOf) {
    const event = eventOf(before, record);
    const status = (record.changes.status ?? before.status) as "POOR";
    return [
      {
        householdId,
        kind: event.kind,
        occurredOn: event.occurredOn,
        fromStatus: before.status as "POOR",
        toStatus: status,
        field: "Household.status",
        oldValue: { status: before.status, monitoringType: before.monitoringType ?? null },
        newValue: { status, monitoringType: record.changes.monitoringType ?? null },
        reason: record.reason ?? "",
        recordedBy: principal.id,
        department: principal.department,
      },
    ];
  }
  return changed.map(([field, value]) => ({
    householdId,
    kind: "FIELD_CHANGED" as const,
    occurredOn: today(),
    field: `${target.type}.${field}`,
    oldValue: before[field] ?? null,
    newValue: value ?? null,
    reason: record.reason ?? "",
    recordedBy: principal.id,
    department: principal.department,
  }));
}

/**
 * Every changed row written with one UPDATE … FROM jsonb_to_recordset per distinct set of changed
 * columns (a batch of schooling records is one statement, not 5,000).
 */
async function updateRows(
  tx: Drizzle,
  table: PgTable,
  columns: Record<string, AnyPgColumn>,
  rows: Map<number, Row>,
  dirty: Map<number, Set<string>>,
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
    const keys = [...signature.split(","), "version"];
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
