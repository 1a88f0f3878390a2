import { and, asc, getTableColumns, inArray } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import { assertWrites } from "../access/access.js";
import type { Context } from "../context.js";
import type { Drizzle } from "../db/client.js";
import { ForbiddenError } from "../shared/errors.js";
import type { InputErrorCode, InputErrors, Path } from "../shared/input-errors.js";
import { runAfterWrite, type RowChange } from "./after-write.js";
import { childChanges, loadChildren, writeChildren, type ChildRows } from "./children.js";
import { HistoryBook, type Change, type StatusEvent } from "./history.js";
import { applied, conflict, refused, rejected } from "./outcome.js";
import { updateRows } from "./update-rows.js";
import type { WriteOutcome } from "./write.type.js";

export type Row = Record<string, unknown>;

/**
 * A versioned table and how its writes are kept: which rows the principal may touch, what a
 * column is called in the policy, where its history goes, and how the written row is read back.
 */
export interface WriteTarget<R = unknown> {
  table: PgTable;
  /** The GraphQL type: the policy's fields are `type.field`, history names changes the same way. */
  type: string;
  /** The region-code column that puts a row in or out of the principal's scope. */
  region: AnyPgColumn;
  /** Where changes are recorded: the property of the row holding its household's id, or its village's. */
  history?: { household: string } | { village: string };
  /** The policy's field for a property where they differ (an asset's custodian columns are `custodian`). */
  fieldOf?: Readonly<Record<string, string>>;
  /** The row after the write, as the writer may see it. */
  reload(ctx: Context, id: number): Promise<R | null>;
}

/** A target whose rows are read back through the module's per-request loader (its cache cleared first). */
export function defineTarget<R>(
  spec: Omit<WriteTarget<R>, "reload"> & {
    loader: (ctx: Context) => { clear(id: number): unknown; load(id: number): Promise<R | null> };
  },
): WriteTarget<R> {
  const { loader, ...target } = spec;
  return {
    ...target,
    reload(ctx, id) {
      const rows = loader(ctx);
      rows.clear(id);
      return rows.load(id);
    },
  };
}

/** Why a valid input could not be applied to the row as it stands now. */
export type Problem = { refused: string } | { invalid: { path: Path; code: InputErrorCode; message: string } };

/** What neither `set` nor `children` expresses (a dated assignment, a replaced set of links). */
export interface Effect {
  /** The policy's fields it writes, for the ownership check. */
  fields: string[];
  /**
   * Applies itself to the locked row inside the write's transaction and says what changed (for the
   * history; empty = nothing), or the problem that stopped it — found before it wrote anything, so
   * that a refused record leaves nothing behind (the record's later effects do not run).
   */
  apply(tx: Drizzle, row: Row): Promise<Change[] | Problem>;
}

/** One row's write: the version the writer read, what to write, and why. */
export interface WriteRecord {
  id: number;
  version: number;
  /** Values of the row's own columns (by property); only those that differ are written. */
  set?: Row;
  /**
   * Values that depend on the row as locked (the status a household goes back to), overriding
   * `set`'s: every field it returns must also be in `set`, which is what ownership is checked on.
   */
  derive?: (current: Row) => Row;
  /** Rows kept under this one (an asset's income of a year); only those that differ are written. */
  children?: ChildRows;
  /** Applied in order after `check`; only the first may refuse (the others must not, having nothing to undo). */
  effects?: readonly Effect[];
  reason: string | null;
  /** Checked against the locked row and the row as it would become: a refusal or an input problem. */
  check?: (current: Row, next: Row) => Problem | null;
  /** A status change, recorded as one event of its own kind instead of one per field. */
  event?: (before: Row) => StatusEvent;
  /** More to write in the same transaction once the row changed (e.g. an alert's workflow step). */
  after?: (tx: Drizzle, change: RowChange) => Promise<void>;
}

export type WriteState =
  | { kind: "missing" }
  | { kind: "conflict"; currentVersion: number }
  | { kind: "refused"; message: string }
  | { kind: "invalid"; error: { path: Path; code: InputErrorCode; message: string } }
  | { kind: "unchanged"; version: number }
  | { kind: "applied"; version: number };

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const asState = (problem: Problem): WriteState =>
  "refused" in problem ? { kind: "refused", message: problem.refused } : { kind: "invalid", error: problem.invalid };

/** The policy's fields a record writes: the ownership check asks the access layer about exactly these. */
export function fieldsWritten(target: WriteTarget, record: WriteRecord): string[] {
  return [
    ...Object.keys(record.set ?? {}).map((key) => target.fieldOf?.[key] ?? key),
    ...(record.children ? [record.children.field] : []),
    ...(record.effects ?? []).flatMap((e) => e.fields),
  ];
}

export function assertOwnsRecords(ctx: Context, target: WriteTarget, records: readonly WriteRecord[]): void {
  assertWrites(
    ctx.access,
    target.type,
    records.flatMap((r) => fieldsWritten(target, r)),
  );
}

/**
 * The one write engine. Writes to many rows of one table in one transaction (the caller's, when
 * given), with a constant number of statements whatever the number of records (effects aside):
 * lock the rows in the principal's scope (one SELECT … FOR NO KEY UPDATE), decide each record
 * against the row as the records before it left it (version, check, effect, what differs), update
 * every changed row with its version bumped, write the differing child rows, append the history
 * (household or village), then run the record's own `after` and the after-write rules registered
 * for the type (risk alerts). Records are decided in order: a second record for the same row must
 * carry the version the first one produced.
 */
export async function applyWrites(
  ctx: Context,
  target: WriteTarget,
  records: readonly WriteRecord[],
  outer?: Drizzle,
): Promise<WriteState[]> {
  if (!records.length) return [];
  const work = async (tx: Drizzle): Promise<WriteState[]> => {
    const columns = getTableColumns(target.table) as Record<string, AnyPgColumn>;
    const ids = [...new Set(records.map((r) => r.id))];
    const locked = (await tx
      .select()
      .from(target.table)
      .where(and(inArray(columns.id!, ids), ctx.access.scope(target.region)))
      .orderBy(asc(columns.id!))
      // No write here changes a key column: the weaker lock lets concurrent inserts that reference
      // these rows (history, alerts, members) check their foreign keys without waiting.
      .for("no key update")) as Row[];
    const rows = new Map(locked.map((row) => [row.id as number, { ...row }]));
    const children = await loadChildren(tx, records);
    const dirty = new Map<number, Set<string>>();
    const history = new HistoryBook(ctx, target);
    const changes: RowChange[] = [];
    const states: WriteState[] = [];

    for (const record of records) {
      const current = rows.get(record.id);
      if (!current) {
        states.push({ kind: "missing" });
        continue;
      }
      if (current.version !== record.version) {
        states.push({ kind: "conflict", currentVersion: current.version as number });
        continue;
      }
      const set = { ...record.set, ...record.derive?.(current) };
      const problem = record.check?.(current, { ...current, ...set });
      if (problem) {
        states.push(asState(problem));
        continue;
      }
      const effected: Change[] = [];
      let refusal: Problem | null = null;
      for (const effect of record.effects ?? []) {
        const outcome = await effect.apply(tx, current);
        if (!Array.isArray(outcome)) {
          refusal = outcome;
          break;
        }
        effected.push(...outcome);
      }
      if (refusal) {
        states.push(asState(refusal));
        continue;
      }
      const changed = Object.entries(set).filter(([key, value]) => !same(current[key], value));
      const childChanged = record.children ? childChanges(children, record.id, record.children) : [];
      if (!changed.length && !childChanged.length && !effected.length) {
        states.push({ kind: "unchanged", version: current.version as number });
        continue;
      }
      const before = { ...current };
      for (const [key, value] of changed) current[key] = value;
      current.version = (current.version as number) + 1;
      const keys = dirty.get(record.id) ?? new Set<string>();
      for (const [key] of changed) keys.add(key);
      dirty.set(record.id, keys);
      const recorded: Change[] = [
        ...changed.map(([field, value]) => ({ field, oldValue: before[field], newValue: value })),
        ...childChanged,
        ...effected,
      ];
      history.record(record, before, current, recorded);
      changes.push({ before, after: { ...current }, fields: recorded.map((c) => c.field), record });
      states.push({ kind: "applied", version: current.version as number });
    }

    await updateRows(tx, target.table, columns, rows, dirty);
    await writeChildren(tx, children);
    await history.append(tx);
    if (changes.length) {
      for (const change of changes) await change.record.after?.(tx, change);
      await runAfterWrite(ctx, tx, target.type, changes);
    }
    return states;
  };
  return outer ? work(outer) : ctx.db.transaction(work);
}

/** The answer to a single write from its state, with the row read back as the writer may see it. */
export async function outcomeOf<R>(
  ctx: Context,
  target: WriteTarget<R>,
  record: WriteRecord,
  state: WriteState,
  errors: InputErrors,
): Promise<WriteOutcome<R>> {
  const reload = () => target.reload(ctx, record.id);
  switch (state.kind) {
    case "missing":
      throw new ForbiddenError(`No such ${target.type} in your scope.`);
    case "conflict":
      return conflict(target.type, record.version, state.currentVersion, await reload());
    case "refused":
      return refused(state.message, await reload());
    case "invalid":
      errors.add(state.error.path, state.error.code, state.error.message);
      return rejected(errors.list);
    case "unchanged":
      return applied(await reload(), true);
    case "applied":
      return applied(await reload());
  }
}

/**
 * One write, alone in its transaction: ownership first (from the policy, for the fields it writes),
 * then the input problems found by the caller (nothing is written when there is any), then the
 * engine, then the outcome.
 */
export async function write<R>(
  ctx: Context,
  target: WriteTarget<R>,
  record: WriteRecord,
  errors: InputErrors,
): Promise<WriteOutcome<R>> {
  assertOwnsRecords(ctx, target, [record]);
  if (errors.any) return rejected(errors.list);
  const [state] = await applyWrites(ctx, target, [record]);
  return outcomeOf(ctx, target, record, state!, errors);
}
