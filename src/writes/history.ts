import type { Context } from "../context.js";
import type { Drizzle } from "../db/client.js";
import { householdEvents, villageEvents } from "../db/schema.js";
import { today } from "../shared/dates.js";
import type { Row, WriteRecord, WriteTarget } from "./engine.js";

type HouseholdEvent = typeof householdEvents.$inferInsert;
type VillageEvent = typeof villageEvents.$inferInsert;
export type HouseholdStatus = NonNullable<HouseholdEvent["toStatus"]>;

/** One change a write made: a field of the target type, old → new, on a day (default today). */
export interface Change {
  field: string;
  oldValue?: unknown;
  newValue?: unknown;
  occurredOn?: string;
}

/** A status change of 动态管理: recorded as one event of its kind, dated when it happened. */
export interface StatusEvent {
  kind: "EXITED" | "PLACED_UNDER_MONITORING" | "RETURNED_TO_POVERTY" | "BECAME_POOR" | "RISK_ELIMINATED";
  occurredOn: string;
}

const CHUNK = 1000;

/** Where a household stands: its poverty status and, apart, its monitoring (what `asOf` reads back). */
const standing = (household: Row) => ({
  status: household.status,
  monitoringStatus: household.monitoringStatus ?? "NOT_MONITORED",
  monitoringType: household.monitoringType ?? null,
});

/** The poverty status a household event leads to, with the household's standing after it. */
const statusOf = (household: Row) => ({
  toStatus: household.status as HouseholdStatus,
  field: "Household.status",
  newValue: standing(household),
});

/**
 * The history of one write (动态管理: history is data, never overwritten): the changes of the
 * target's rows, kept on their household or their village — who, which department, when, which
 * field (`Type.field`), old → new, why — appended in as few statements as the rows allow.
 */
export class HistoryBook {
  private readonly households: HouseholdEvent[] = [];
  private readonly villages: VillageEvent[] = [];

  constructor(
    private readonly ctx: Context,
    private readonly target: Pick<WriteTarget, "type" | "history">,
  ) {}

  /** Who recorded it, which department, why: what every entry carries. */
  private by(reason: string | null) {
    const { id: recordedBy, department } = this.ctx.access.principal;
    return { reason: reason ?? "", recordedBy, department };
  }

  record(record: Pick<WriteRecord, "reason" | "event">, before: Row, after: Row, changes: readonly Change[]): void {
    const where = this.target.history;
    if (!where) return;
    const by = this.by(record.reason);
    const fields = changes.map((c) => ({
      field: `${this.target.type}.${c.field}`,
      oldValue: c.oldValue ?? null,
      newValue: c.newValue ?? null,
      ...by,
    }));
    if ("village" in where) {
      const villageId = after[where.village] as number;
      this.villages.push(...fields.map((f) => ({ villageId, ...f })));
      return;
    }
    const householdId = after[where.household] as number;
    if (!record.event) {
      this.households.push(
        ...fields.map((f, i) => ({
          householdId,
          kind: "FIELD_CHANGED" as const,
          occurredOn: changes[i]!.occurredOn ?? today(),
          ...f,
        })),
      );
      return;
    }
    const event = record.event(before);
    this.households.push({
      householdId,
      ...event,
      fromStatus: before.status as HouseholdStatus,
      ...statusOf(after),
      oldValue: standing(before),
      ...by,
    });
  }

  /** A household's first event: identified (建档立卡) or registered as monitored, with its status. */
  identified(householdId: number, household: Row, occurredOn: string, reason: string): void {
    this.households.push({ householdId, kind: "IDENTIFIED", occurredOn, ...statusOf(household), ...this.by(reason) });
  }

  async append(tx: Drizzle): Promise<void> {
    for (let i = 0; i < this.households.length; i += CHUNK) {
      await tx.insert(householdEvents).values(this.households.slice(i, i + CHUNK));
    }
    for (let i = 0; i < this.villages.length; i += CHUNK) {
      await tx.insert(villageEvents).values(this.villages.slice(i, i + CHUNK));
    }
  }
}
