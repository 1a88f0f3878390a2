import type { Context } from "../../context.js";
import { households, members, villages } from "../../db/schema.js";
import { isIsoDate, thisYear, today } from "../../shared/dates.js";
import { ForbiddenError } from "../../shared/errors.js";
import { decodeId } from "../../shared/global-id.js";
import { householdById } from "../households/household.loader.js";
import { memberById } from "../households/member.loader.js";
import { villageById } from "../villages/village.loader.js";
import { applied, conflict, refused, rejected } from "./write-outcome.js";
import { applyOwnedWrite, type OwnedWrite, type WriteRecord, type WriteTarget } from "./stewardship.repository.js";
import type { InputError, WriteOutcome } from "./stewardship.type.js";
import type {
  ChangeHouseholdStatusInput,
  RecordAssistanceInput,
  RecordHealthInput,
  RecordHousingAssessmentInput,
  RecordSchoolingInput,
  RecordVillageRoadInput,
} from "./stewardship.input.js";

/** Write authority comes from the compiled policy: only the steward (`own`) of every field written. */
export function assertOwns(ctx: Context, type: string, fields: string[]): void {
  const policy = ctx.access.policy;
  if (!policy) return;
  const notOwned = fields.filter((f) => policy.level(type, f) !== "own");
  if (notOwned.length) {
    throw new ForbiddenError(
      `${policy.department} does not own ${notOwned.map((f) => `${type}.${f}`).join(", ")}: only the steward may write it.`,
    );
  }
}

const present = (input: object) =>
  Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== null)) as Record<string, unknown>;

export function error(field: string, code: string, message: string): InputError {
  return { path: ["input", field], code, message };
}

export function requireReason(reason: string | null | undefined, errors: InputError[]) {
  if (!reason || !reason.trim()) errors.push(error("reason", "REQUIRED", "Say why: the reason goes into the history."));
}

export async function run<R>(
  ctx: Context,
  write: Omit<OwnedWrite, "changes"> & { changes: Record<string, unknown> },
  errors: InputError[],
  reload: () => Promise<R | null>,
): Promise<WriteOutcome<R>> {
  assertOwns(ctx, write.type, Object.keys(write.changes));
  if (errors.length) return rejected(errors);
  const state = await applyOwnedWrite(ctx, write);
  if (state.kind === "missing") throw new ForbiddenError(`No such ${write.type} in your scope.`);
  if (state.kind === "refused") return refused(state.message, await reload());
  if (state.kind === "conflict") return conflict(write.type, write.version, state.currentVersion, await reload());
  return applied(await reload(), state.kind === "unchanged");
}

/** A validated write, ready to apply alone or as one record of a batch. */
export interface Prepared<R> {
  target: WriteTarget;
  record: WriteRecord;
  errors: InputError[];
  reload: () => Promise<R | null>;
}

function prepared<R>(
  write: WriteTarget & Omit<WriteRecord, "id" | "version"> & { id: number; version: number },
  errors: InputError[],
  reload: () => Promise<R | null>,
): Prepared<R> {
  const { id, version, changes, reason, precondition, event, ...target } = write;
  return { target, record: { id, version, changes, reason, precondition, event }, errors, reload };
}

function runPrepared<R>(ctx: Context, p: Prepared<R>): Promise<WriteOutcome<R>> {
  return run(ctx, { ...p.target, ...p.record }, p.errors, p.reload);
}

const memberWrite = (ctx: Context, memberId: number) => ({
  table: members,
  type: "Member",
  id: memberId,
  scope: (c: Context) => c.access.scope(members.villageCode),
  householdOf: (row: Record<string, unknown>) => row.householdId as number,
  reload: () => {
    memberById(ctx).clear(memberId);
    return memberById(ctx).load(memberId);
  },
});

export function prepareSchooling(ctx: Context, input: RecordSchoolingInput) {
  const id = decodeId(input.memberId, "Member");
  const errors: InputError[] = [];
  requireReason(input.reason, errors);
  const { memberId: _m, version, reason, ...fields } = input;
  const { reload, ...target } = memberWrite(ctx, id);
  return prepared({ ...target, version, reason, changes: present(fields) }, errors, reload);
}

export function prepareHealth(ctx: Context, input: RecordHealthInput) {
  const id = decodeId(input.memberId, "Member");
  const errors: InputError[] = [];
  requireReason(input.reason, errors);
  if (input.medicalExpenseOutOfPocket != null) {
    if (input.medicalExpenseOutOfPocket < 0 || input.medicalExpenseOutOfPocket > 10_000_000) {
      errors.push(error("medicalExpenseOutOfPocket", "OUT_OF_RANGE", "An expense is between 0 and 10,000,000 yuan."));
    }
    if (input.medicalExpenseYear == null) {
      errors.push(error("medicalExpenseYear", "REQUIRED", "Give the year the expense belongs to."));
    }
  }
  if (input.medicalExpenseYear != null && (input.medicalExpenseYear > thisYear() || input.medicalExpenseYear < 2013)) {
    errors.push(error("medicalExpenseYear", "IN_THE_FUTURE", `The year must be between 2013 and ${thisYear()}.`));
  }
  const { memberId: _m, version, reason, ...fields } = input;
  const changes = present(fields);
  if (!Object.keys(changes).length)
    errors.push(error("healthStatus", "REQUIRED", "Give at least one value to record."));
  const { reload, ...target } = memberWrite(ctx, id);
  return prepared({ ...target, version, reason, changes }, errors, reload);
}

export function prepareAssistance(ctx: Context, input: RecordAssistanceInput) {
  const id = decodeId(input.memberId, "Member");
  const errors: InputError[] = [];
  requireReason(input.reason, errors);
  const { memberId: _m, version, reason, clearDisability, ...fields } = input;
  const changes = present(fields);
  if (clearDisability) {
    if (fields.disabilityType != null || fields.disabilityGrade != null) {
      errors.push(error("clearDisability", "INCONSISTENT", "Clear the disability or give one, not both."));
    }
    changes.disabilityType = null;
    changes.disabilityGrade = null;
  } else if ((fields.disabilityType == null) !== (fields.disabilityGrade == null)) {
    errors.push(
      error(
        fields.disabilityType == null ? "disabilityType" : "disabilityGrade",
        "REQUIRED",
        "Give a disability's type and grade together.",
      ),
    );
  }
  if (fields.disabilityGrade != null && (fields.disabilityGrade < 1 || fields.disabilityGrade > 4)) {
    errors.push(error("disabilityGrade", "OUT_OF_RANGE", "A disability grade is 1 to 4."));
  }
  if (!Object.keys(changes).length)
    errors.push(error("receivesLowIncomeAllowance", "REQUIRED", "Give at least one value to record."));
  const { reload, ...target } = memberWrite(ctx, id);
  return prepared({ ...target, version, reason, changes }, errors, reload);
}

export function prepareHousingAssessment(ctx: Context, input: RecordHousingAssessmentInput) {
  const id = decodeId(input.householdId, "Household");
  const errors: InputError[] = [];
  requireReason(input.reason, errors);
  if (input.housingGrade != null && !input.housingAssessedOn) {
    errors.push(error("housingAssessedOn", "REQUIRED", "Give the date of the assessment with its grade."));
  }
  if (input.housingAssessedOn) {
    if (!isIsoDate(input.housingAssessedOn)) {
      errors.push(error("housingAssessedOn", "INVALID_DATE", "Use an ISO date, e.g. 2024-05-31."));
    } else if (input.housingAssessedOn > today()) {
      errors.push(error("housingAssessedOn", "IN_THE_FUTURE", "An assessment cannot be dated in the future."));
    }
  }
  if (input.housingRenovated && input.housingRenovationYear == null) {
    errors.push(error("housingRenovationYear", "REQUIRED", "Give the year of the renovation."));
  }
  if (
    input.housingRenovationYear != null &&
    (input.housingRenovationYear < 2000 || input.housingRenovationYear > thisYear())
  ) {
    errors.push(error("housingRenovationYear", "OUT_OF_RANGE", `The year must be between 2000 and ${thisYear()}.`));
  }
  const { householdId: _h, version, reason, ...fields } = input;
  const changes = present(fields);
  if (!Object.keys(changes).length)
    errors.push(error("housingGrade", "REQUIRED", "Give at least one value to record."));
  return prepared(
    {
      table: households,
      type: "Household",
      id,
      version,
      reason,
      changes,
      scope: (c) => c.access.scope(households.villageCode),
      householdOf: (row) => row.id as number,
    },
    errors,
    () => {
      householdById(ctx).clear(id);
      return householdById(ctx).load(id);
    },
  );
}

export function prepareVillageRoad(ctx: Context, input: RecordVillageRoadInput) {
  const id = decodeId(input.villageId, "Village");
  const errors: InputError[] = [];
  if (input.distanceToTownshipKm != null && (input.distanceToTownshipKm < 0 || input.distanceToTownshipKm > 500)) {
    errors.push(error("distanceToTownshipKm", "OUT_OF_RANGE", "A distance is between 0 and 500 km."));
  }
  const { villageId: _v, version, reason, ...fields } = input;
  const changes = present(fields);
  if (!Object.keys(changes).length)
    errors.push(error("hasHardenedRoad", "REQUIRED", "Give at least one value to record."));
  return prepared(
    {
      table: villages,
      type: "Village",
      id,
      version,
      reason: reason?.trim() || null,
      changes,
      scope: (c) => c.access.scope(villages.code),
      villageOf: (row) => row.id as number,
    },
    errors,
    () => {
      villageById(ctx).clear(id);
      return villageById(ctx).load(id);
    },
  );
}

/** The status transitions of 动态管理: which statuses an action starts from and where it leads. */
const TRANSITIONS = {
  EXIT: { from: ["POOR", "RETURNED"], to: "EXITED", event: "EXITED" },
  PLACE_UNDER_MONITORING: { from: ["EXITED", "POOR"], to: "MONITORED", event: "PLACED_UNDER_MONITORING" },
  RETURN_TO_POVERTY: { from: ["EXITED", "MONITORED"], to: "RETURNED", event: "RETURNED_TO_POVERTY" },
  ELIMINATE_RISK: { from: ["MONITORED"], to: "EXITED", event: "RISK_ELIMINATED" },
} as const;

export function prepareStatusChange(ctx: Context, input: ChangeHouseholdStatusInput) {
  const id = decodeId(input.householdId, "Household");
  const errors: InputError[] = [];
  requireReason(input.reason, errors);
  const transition = TRANSITIONS[input.action as keyof typeof TRANSITIONS];
  const occurredOn = input.occurredOn ?? today();
  if (!isIsoDate(occurredOn)) {
    errors.push(error("occurredOn", "INVALID_DATE", "Use an ISO date, e.g. 2024-05-31."));
  } else if (occurredOn > today()) {
    errors.push(error("occurredOn", "IN_THE_FUTURE", "A status change cannot be dated in the future."));
  }
  const monitored = transition.to === "MONITORED";
  if (monitored && !input.monitoringType) {
    errors.push(
      error(
        "monitoringType",
        "REQUIRED",
        "Say which kind of monitoring (脱贫不稳定户 / 边缘易致贫户 / 突发严重困难户).",
      ),
    );
  }
  if (!monitored && input.monitoringType) {
    errors.push(error("monitoringType", "INCONSISTENT", "Only placing under monitoring takes a monitoring type."));
  }
  const changes: Record<string, unknown> = {
    status: transition.to,
    monitoringType: monitored ? input.monitoringType : null,
  };
  if (transition.to === "EXITED" && input.action === "EXIT") changes.exitedYear = Number(occurredOn.slice(0, 4));
  return prepared(
    {
      table: households,
      type: "Household",
      id,
      version: input.version,
      reason: input.reason,
      changes,
      scope: (c) => c.access.scope(households.villageCode),
      householdOf: (row) => row.id as number,
      event: () => ({ kind: transition.event, occurredOn }),
      precondition: (current) =>
        (transition.from as readonly string[]).includes(current.status as string)
          ? null
          : `A ${String(current.status)} household cannot ${input.action.toLowerCase().replaceAll("_", " ")}: it must be ${transition.from.join(" or ")}.`,
    },
    errors,
    () => {
      householdById(ctx).clear(id);
      return householdById(ctx).load(id);
    },
  );
}

export const recordSchooling = (ctx: Context, input: RecordSchoolingInput) =>
  runPrepared(ctx, prepareSchooling(ctx, input));
export const recordHealth = (ctx: Context, input: RecordHealthInput) => runPrepared(ctx, prepareHealth(ctx, input));
export const recordAssistance = (ctx: Context, input: RecordAssistanceInput) =>
  runPrepared(ctx, prepareAssistance(ctx, input));
export const recordHousingAssessment = (ctx: Context, input: RecordHousingAssessmentInput) =>
  runPrepared(ctx, prepareHousingAssessment(ctx, input));
export const recordVillageRoad = (ctx: Context, input: RecordVillageRoadInput) =>
  runPrepared(ctx, prepareVillageRoad(ctx, input));
export const changeHouseholdStatus = (ctx: Context, input: ChangeHouseholdStatusInput) =>
  runPrepared(ctx, prepareStatusChange(ctx, input));
