import { sql } from "drizzle-orm";
import { bigint, check, char, index, integer, jsonb, pgTable, smallint, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The change feed's log (modules/changes): one entry per row inserted, updated or deleted in a
 * table a department reads, written by statement-level triggers in the writing transaction
 * (drizzle/0014_change_feed.sql). `xid` is that transaction's id: the feed delivers entries in
 * (xid, seq) order and only below the oldest transaction still in flight, so an entry of a
 * transaction that commits late is never passed over.
 */
export const changeLog = pgTable(
  "change_log",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** The writing transaction's top-level id (`pg_current_xact_id()`). */
    xid: bigint("xid", { mode: "number" }).notNull(),
    tableName: text("table_name").notNull(),
    rowId: integer("row_id").notNull(),
    /** I(nsert), U(pdate) or D(elete). */
    operation: char("operation", { length: 1 }).notNull(),
    /** For updates: the columns whose value changed (SQL names; bookkeeping columns left out). */
    changedColumns: text("changed_columns").array(),
    /** The row's region code before (updates, deletes) and after (inserts, updates); null when unscoped. */
    oldRegion: text("old_region"),
    newRegion: text("new_region"),
    /** Values before and after of the columns the policy's `rows:` rules test (e.g. an asset's kind). */
    oldRule: jsonb("old_rule"),
    newRule: jsonb("new_rule"),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("change_log_xid_seq_idx").on(t.xid, t.seq),
    index("change_log_recorded_at_idx").on(t.recordedAt),
    check("change_log_operation", sql`operation IN ('I', 'U', 'D')`),
  ],
);

/** The feed's pruning mark: entries at or below (xid, seq) are gone; a position below it has expired. */
export const changeLogPruned = pgTable(
  "change_log_pruned",
  {
    id: smallint("id").primaryKey().default(1),
    xid: bigint("xid", { mode: "number" }).notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    prunedAt: timestamp("pruned_at", { withTimezone: true }).notNull().defaultNow(),
  },
  () => [check("change_log_pruned_one_row", sql`id = 1`)],
);
