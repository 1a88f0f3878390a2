import { getTableColumns } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Access } from "../../access/access.js";
import type { Context } from "../../context.js";
import { BadUserInputError } from "../../shared/errors.js";
import { toGlobalId } from "../../shared/global-id.js";
import { formatDuration } from "../../shared/duration.js";
import { log } from "../../shared/log.js";
import {
  ChangesExpiredError,
  comparePositions,
  decodePosition,
  encodePosition,
  MAX_SEQ,
  type Position,
} from "./change.position.js";
import { horizon, prunedThrough, pruneEntries, readEntries } from "./change.repository.js";
import { readsType } from "../node/node.types.js";
import { FEED_TYPES, feedTypeByName, feedTypeByTable, type FeedType } from "./change.tables.js";
import { ChangeOperation, type Change, type ChangeLogRow, type ChangePage } from "./change.type.js";

/** Most entries a page may hold. */
export const MAX_CHANGES_PAGE = 1000;
const DEFAULT_PAGE = 100;

/**
 * A page of the change feed for the caller: entries after `after` (from the oldest kept entry
 * when null) of the types named (every type it may read when none), in (transaction id, seq)
 * order and only below the horizon — so every change is delivered exactly once, and a change of a
 * transaction that commits late is delivered after the caller's position, never skipped.
 * Transaction ids follow commit order except between transactions that overlapped: then the one
 * that wrote first comes first, even if it committed last.
 */
export async function readChanges(
  ctx: Context,
  args: { after?: string | null; types?: readonly string[] | null; first?: number | null },
): Promise<ChangePage> {
  const first = args.first ?? DEFAULT_PAGE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_CHANGES_PAGE) {
    throw new BadUserInputError(`\`first\` must be between 1 and ${MAX_CHANGES_PAGE}.`);
  }
  const types = feedTypesFor(ctx.access, args.types);
  await pruneNow(ctx);
  const pruned = await prunedThrough(ctx.db);
  const start = args.after ? decodePosition(args.after) : pruned;
  if (comparePositions(start, pruned) < 0) {
    throw new ChangesExpiredError(formatDuration(ctx.config.CHANGES_RETENTION));
  }
  return pageAfter(ctx, types, start, first);
}

/** The feed types the caller asked for, of those it may read (a type it may not read yields nothing). */
export function feedTypesFor(access: Access, names: readonly string[] | null | undefined): FeedType[] {
  const unknown = (names ?? []).filter((n) => !feedTypeByName.has(n));
  if (unknown.length) {
    throw new BadUserInputError(
      `Not a type of the change feed: ${unknown.join(", ")}. The feed serves ${FEED_TYPES.map((t) => t.type).join(", ")}.`,
    );
  }
  const wanted = names?.length ? new Set(names) : null;
  return FEED_TYPES.filter((t) => (!wanted || wanted.has(t.type)) && readsType(access, t.type));
}

/** Reads batches of entries after `start` until `first` entries are kept or the feed is caught up. */
export async function pageAfter(
  ctx: Context,
  types: readonly FeedType[],
  start: Position,
  first: number,
): Promise<ChangePage> {
  const below = await horizon(ctx.db);
  const tables = types.map((t) => t.tableName);
  // As many as the page holds: each read entry's row is loaded, so reading ahead costs loads.
  const batchSize = Math.max(first, 100);
  const entries: Change[] = [];
  let position = start;
  for (;;) {
    const batch = await readEntries(ctx.db, {
      after: position,
      below,
      tables,
      region: ctx.access.principal.region,
      limit: batchSize,
    });
    const nodes = await loadNodes(ctx, batch);
    for (const row of batch) {
      const entry = decide(ctx.access, row, nodes);
      position = { xid: row.xid, seq: row.seq };
      if (entry) entries.push({ ...entry, position: encodePosition(position) });
      if (entries.length === first) return { entries, position: encodePosition(position), caughtUp: false };
    }
    if (batch.length < batchSize) {
      // Everything below the horizon has been read: no entry can still appear there.
      const end = { xid: below - 1, seq: MAX_SEQ };
      if (comparePositions(end, position) > 0) position = end;
      return { entries, position: encodePosition(position), caughtUp: true };
    }
  }
}

type Nodes = Map<string, Map<number, object>>;

/** The rows of the batch's inserts and updates as the caller sees them now (one load per type). */
async function loadNodes(ctx: Context, batch: readonly ChangeLogRow[]): Promise<Nodes> {
  const ids = new Map<string, Set<number>>();
  for (const row of batch) {
    if (row.operation === "D") continue;
    const set = ids.get(row.tableName) ?? new Set<number>();
    set.add(row.rowId);
    ids.set(row.tableName, set);
  }
  const nodes: Nodes = new Map();
  for (const [table, set] of ids) {
    const type = feedTypeByTable.get(table)!;
    const list = [...set];
    const loaded = await type.fetch(ctx, list);
    const byId = new Map<number, object>();
    loaded.forEach((node, i) => {
      if (node instanceof Error) throw node;
      if (node) byId.set(list[i]!, Object.assign(node, { __typename: type.type }));
    });
    nodes.set(table, byId);
  }
  return nodes;
}

/**
 * One log entry as the caller sees it, or null when it is none of its concern: a row never in its
 * scope, a change of fields it may not read, or an insert whose row is already gone from its view
 * (a later entry says so).
 */
function decide(access: Access, row: ChangeLogRow, nodes: Nodes): Omit<Change, "position"> | null {
  const type = feedTypeByTable.get(row.tableName)!;
  const id = toGlobalId(type.type, row.rowId);
  const base = { type: type.type, id, recordedAt: row.recordedAt, changedFields: null, node: null };
  const before = row.operation !== "I" && visible(access, type, row.oldRegion, row.oldRule);
  const after = row.operation !== "D" && visible(access, type, row.newRegion, row.newRule);
  if (row.operation === "D") return before ? { ...base, operation: ChangeOperation.DELETED } : null;
  const node = nodes.get(row.tableName)?.get(row.rowId) ?? null;
  if (row.operation === "I") return node ? { ...base, operation: ChangeOperation.CREATED, node } : null;
  if (before && !after) return { ...base, operation: ChangeOperation.LEFT_SCOPE };
  if (!node) return null;
  if (!before) return { ...base, operation: ChangeOperation.ENTERED_SCOPE, node };
  const readable = access.readableFields(type.type);
  const changedFields = (row.changedColumns ?? [])
    .map((c) => type.fieldOf.get(c))
    .filter((f): f is string => Boolean(f && (!readable || readable.has(f))));
  if (!changedFields.length) return null;
  return { ...base, operation: ChangeOperation.UPDATED, changedFields, node };
}

/** Whether a row with this region code and these `rows:` rule values was in the caller's view. */
function visible(access: Access, type: FeedType, region: string | null, rule: unknown): boolean {
  if (type.regionColumn && !(region !== null && access.inScope(region))) return false;
  const rules = access.policy?.rows(type.type);
  if (!rules) return true;
  const columns = getTableColumns(type.table) as Record<string, AnyPgColumn>;
  const values = (rule ?? {}) as Record<string, unknown>;
  const own = (v: string) => (v === "$own" ? access.principal.department : v === "$me" ? access.principal.id : v);
  return Object.entries(rules).every(([field, allowed]) => {
    const column = columns[field]?.name;
    const value = column ? values[column] : undefined;
    return typeof value === "string" && allowed.map(own).includes(value);
  });
}

const lastPrune = new WeakMap<object, number>();
const PRUNE_EVERY_MS = 60_000;

/** Prunes entries older than CHANGES_RETENTION, at most once a minute per database (on read). */
async function pruneNow(ctx: Context): Promise<void> {
  const last = lastPrune.get(ctx.database) ?? 0;
  if (Date.now() - last < PRUNE_EVERY_MS) return;
  lastPrune.set(ctx.database, Date.now());
  await pruneChanges(ctx, new Date(Date.now() - ctx.config.CHANGES_RETENTION * 1000));
}

/** Deletes the entries recorded before `cutoff` (the retention job, also run on read). */
export async function pruneChanges(ctx: Pick<Context, "db">, cutoff: Date): Promise<number> {
  const gone = await pruneEntries(ctx.db, cutoff);
  if (gone) log("info", "change feed pruned", { entries: gone, before: cutoff.toISOString() });
  return gone;
}
