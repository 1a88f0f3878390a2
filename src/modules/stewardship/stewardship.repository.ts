import { and, eq, getTableColumns, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Context } from "../../context.js";
import { householdEvents } from "../../db/schema.js";
import { today } from "../../shared/dates.js";

export interface OwnedWrite {
  table: PgTable;
  /** The GraphQL type, for history field names (Type.field). */
  type: string;
  id: number;
  version: number;
  scope: (ctx: Context) => SQL | undefined;
  changes: Record<string, unknown>;
  reason: string | null;
  /** The household whose history records the change, if any. */
  householdOf?: (row: Record<string, unknown>) => number;
  /** A status change records one event of its own kind instead of one per field. */
  event?: (current: Record<string, unknown>) => {
    kind: "EXITED" | "PLACED_UNDER_MONITORING" | "RETURNED_TO_POVERTY" | "RISK_ELIMINATED";
    occurredOn: string;
  };
  /** Checked against the locked row: a rule the current state breaks (e.g. an impossible transition). */
  precondition?: (current: Record<string, unknown>) => string | null;
}

export type WriteState =
  | { kind: "missing" }
  | { kind: "refused"; message: string }
  | { kind: "conflict"; currentVersion: number }
  | { kind: "unchanged" }
  | { kind: "applied"; version: number };

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * One owned write in one transaction: lock the row (in scope), compare versions, update only the
 * fields that differ with version + 1, and append one history event per changed field.
 */
export async function applyOwnedWrite(ctx: Context, write: OwnedWrite): Promise<WriteState> {
  const columns = getTableColumns(write.table) as Record<string, AnyPgColumn>;
  const idColumn = columns.id!;
  return ctx.db.transaction(async (tx) => {
    const [current] = (await tx
      .select()
      .from(write.table)
      .where(and(eq(idColumn, write.id), write.scope(ctx)))
      .for("update")) as Record<string, unknown>[];
    if (!current) return { kind: "missing" } as const;
    if (current.version !== write.version)
      return { kind: "conflict", currentVersion: current.version as number } as const;
    const refusal = write.precondition?.(current);
    if (refusal) return { kind: "refused", message: refusal } as const;
    const changed = Object.entries(write.changes).filter(([key, value]) => !same(current[key], value));
    if (!changed.length) return { kind: "unchanged" } as const;
    const set: Record<string, unknown> = Object.fromEntries(changed);
    set.version = sql`${columns.version!} + 1`;
    if (columns.updatedAt) set.updatedAt = new Date();
    await tx.update(write.table).set(set).where(eq(idColumn, write.id));
    const household = write.householdOf?.(current);
    const { principal } = ctx.access;
    if (household !== undefined && write.event) {
      const event = write.event(current);
      const status = (write.changes.status ?? current.status) as "POOR";
      await tx.insert(householdEvents).values({
        householdId: household,
        kind: event.kind,
        occurredOn: event.occurredOn,
        fromStatus: current.status as "POOR",
        toStatus: status,
        field: "Household.status",
        oldValue: { status: current.status, monitoringType: current.monitoringType ?? null },
        newValue: { status, monitoringType: write.changes.monitoringType ?? null },
        reason: write.reason ?? "",
        recordedBy: principal.id,
        department: principal.department,
      });
    } else if (household !== undefined) {
      await tx.insert(householdEvents).values(
        changed.map(([field, value]) => ({
          householdId: household,
          kind: "FIELD_CHANGED" as const,
          occurredOn: today(),
          field: `${write.type}.${field}`,
          oldValue: current[field] ?? null,
          newValue: value ?? null,
          reason: write.reason ?? "",
          recordedBy: principal.id,
          department: principal.department,
        })),
      );
    }
    return { kind: "applied", version: write.version + 1 } as const;
  });
}
