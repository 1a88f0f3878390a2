import type { Context } from "../context.js";
import type { Drizzle } from "../db/client.js";
import type { Row, WriteRecord } from "./engine.js";

/** One row changed by a write: before and after, the fields that changed, and the record that did it. */
export interface RowChange {
  before: Row;
  after: Row;
  fields: string[];
  record: WriteRecord;
}

/**
 * A rule run inside the transaction of every write that changed rows of a type (after the rows,
 * their children and their history are written): a rolled-back write triggers nothing, a committed
 * one cannot miss it. The monitoring module registers its risk-alert rules here, so the write
 * engine needs to know nothing of monitoring.
 */
export type AfterWriteRule = (ctx: Context, tx: Drizzle, changes: readonly RowChange[]) => Promise<void>;

const rules = new Map<string, AfterWriteRule[]>();

export function registerAfterWrite(type: string, rule: AfterWriteRule): void {
  const list = rules.get(type) ?? [];
  if (!list.includes(rule)) rules.set(type, [...list, rule]);
}

export async function runAfterWrite(ctx: Context, tx: Drizzle, type: string, changes: readonly RowChange[]) {
  for (const rule of rules.get(type) ?? []) await rule(ctx, tx, changes);
}
