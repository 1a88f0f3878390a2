import { assertWrites } from "../../access/access.js";
import type { Context } from "../../context.js";
import type { Drizzle } from "../../db/client.js";
import { today } from "../../shared/dates.js";
import { BadUserInputError, ClientError, ForbiddenError } from "../../shared/errors.js";
import { decodeId, toGlobalId } from "../../shared/global-id.js";
import { InputErrors } from "../../shared/input-errors.js";
import type { PageArgs } from "../../shared/pagination.js";
import { assertRegionPrefix } from "../../shared/region-code.js";
import { runBatch } from "../../writes/batch.js";
import type { BatchInputOf } from "../../writes/batch.type.js";
import { create } from "../../writes/create.js";
import { applyWrites, write, type Effect, type Problem, type Row, type WriteRecord } from "../../writes/engine.js";
import { householdTarget } from "../households/household.target.js";
import { registeredPoorBefore } from "../stewardship/stewardship.service.js";
import { insertAlertEvent } from "../monitoring/alert.repository.js";
import { alertTarget } from "../monitoring/alert.target.js";
import { unmetForElimination, type Missing } from "./case.criteria.js";
import type * as I from "./case.input.js";
import {
  alertsOfHousehold,
  countMonitoring,
  findCaseHousehold,
  hasActiveCase,
  insertAssistance,
  insertCase,
  insertFollowUps,
  insertObjection,
  linkAlerts,
  linkedActiveAlerts,
  nextFollowUp,
  objectionsOf,
  ONE_ACTIVE_CASE,
  pageCases,
  pageFollowUpsDue,
  recordVisit,
  setCaseFormerlyPoor,
  settleObjection,
} from "./case.repository.js";
import { caseTarget } from "./case.target.js";
import type { CaseRow } from "./case.type.js";

/** A step refused for what it still needs: the list is in `extensions.missing` ({ code, message }). */
export class CaseStepRefusedError extends ClientError {
  constructor(message: string, missing: readonly Missing[], code = "CASE_STEP_REFUSED") {
    super(message, code, { missing });
  }
}

/** The identification steps in order: a step is taken only from the status just before it. */
const ORDER = ["OPENED", "VERIFIED", "NOTICED", "REVIEWED", "MONITORED", "RISK_ELIMINATED"] as const;
type Stage = (typeof ORDER)[number];
const STEP: Record<Stage, Missing> = {
  OPENED: { code: "OPENED", message: "the case must be opened" },
  VERIFIED: { code: "VERIFICATION", message: "入户核实 the home visit and its findings" },
  NOTICED: { code: "NOTICE", message: "村级公示 the village notice" },
  REVIEWED: { code: "TOWNSHIP_REVIEW", message: "乡镇审核 the township review" },
  MONITORED: { code: "COUNTY_CONFIRMATION", message: "县级确认 the county confirmation" },
  RISK_ELIMINATED: { code: "RISK_ELIMINATION", message: "风险消除 the risk elimination" },
};

/** Collects what a refused step still needs, to throw it as a typed error once the write is undone. */
export class Refusal {
  missing: Missing[] = [];
  code = "CASE_STEP_REFUSED";
  refuse(message: string, missing: Missing[], code?: string): Problem {
    this.missing = missing;
    if (code) this.code = code;
    return { refused: message };
  }
}

/** The check that a case stands where a step starts (`from`): the steps still missing, or why it is too late. */
function standsAt(from: readonly Stage[], what: string, refusal: Refusal) {
  return (current: Row): Problem | null => {
    const status = current.status as string;
    if ((from as readonly string[]).includes(status)) return null;
    const at = ORDER.indexOf(status as Stage);
    const need = Math.min(...from.map((f) => ORDER.indexOf(f)));
    if (at >= 0 && at < need) {
      const missing = ORDER.slice(at + 1, need + 1).map((s) => STEP[s]);
      return refusal.refuse(
        `${what} needs first: ${missing.map((m) => m.message).join(", ")} (the case is ${status}).`,
        missing,
      );
    }
    return refusal.refuse(`${what} is not possible: the case is ${status}.`, [
      { code: "CASE_CLOSED_OR_PAST", message: `the case is ${status}` },
    ]);
  };
}

/**
 * A step of a case as a declared write: `build` validates one input into `errors` and says what to
 * write (a refusal keeps what is missing in `refusal`). The engine applies it alike for the single
 * mutation and its batch form.
 */
export interface CaseStep<In extends I.CaseStepInput> {
  /** The mutation; its batch form is `<name>Batch`. */
  name: string;
  build(ctx: Context, input: In, errors: InputErrors, refusal: Refusal): WriteRecord;
}

/**
 * One step of one case through the write engine (ownership, lock, version, history); a refusal
 * with its list becomes a typed error (`extensions.missing`). The region level a step needs (a
 * township review a township-level principal or wider) is the policy's, checked by the guard
 * before the operation runs.
 */
export async function runStep<In extends I.CaseStepInput>(ctx: Context, s: CaseStep<In>, input: In) {
  const errors = new InputErrors();
  const refusal = new Refusal();
  const record = s.build(ctx, input, errors, refusal);
  const outcome = await write(ctx, caseTarget, record, errors);
  if (!outcome.ok && outcome.error?.code === "REFUSED" && refusal.missing.length) {
    throw new CaseStepRefusedError(outcome.error.message, refusal.missing, refusal.code);
  }
  return outcome;
}

/**
 * The batch form of a step (`<name>Batch`), by the write engine's batch path: every valid record
 * applied in one transaction with the same checks, effects and after-writes as the single step, a
 * result per record (a refusal's message lists what is missing), idempotent under a key.
 */
export function runStepBatch<In extends I.CaseStepInput>(ctx: Context, s: CaseStep<In>, input: BatchInputOf<In>) {
  return runBatch(
    ctx,
    {
      name: s.name,
      target: caseTarget,
      idOf: (record) => record.caseId,
      prepare: (c, record, errors) => s.build(c, record, errors, new Refusal()),
    },
    input,
  );
}

const dayOr = (errors: InputErrors, path: string, value: string | null | undefined) => {
  const day = value ?? today();
  errors.date([path], day);
  return day;
};

/** Whether a household had been registered poor (建档立卡): the registry's poverty status, never the case's. */
export const wasRegisteredPoor = (h: { status: string }) => registeredPoorBefore(h);

// ---- opening ----

interface Opening {
  householdId: string;
  source: "SELF_APPLICATION" | "CADRE_VISIT" | "DEPARTMENT_SCREENING";
  statement: string;
  openedOn?: string | null;
  alertIds: string[];
}

async function openCase(ctx: Context, input: Opening) {
  const errors = new InputErrors();
  const householdId = decodeId(input.householdId, "Household");
  errors.required(["statement"], input.statement, "what happened to the household");
  const openedOn = dayOr(errors, input.source === "SELF_APPLICATION" ? "appliedOn" : "openedOn", input.openedOn);
  const household = await findCaseHousehold(ctx, householdId);
  if (!household) throw new ForbiddenError("No such Household in your scope.");
  const alertIds = input.alertIds.map((id) => decodeId(id, "RiskAlert"));
  const own = new Set(await alertsOfHousehold(ctx, householdId, alertIds));
  alertIds.forEach((id, i) => {
    if (!own.has(id)) errors.add(["alertIds", i], "INCONSISTENT", "Not a risk alert of this household in your scope.");
  });
  if (input.source === "DEPARTMENT_SCREENING" && !alertIds.length) {
    errors.add(["alertIds"], "REQUIRED", "A case from department screening names the alerts that raised it.");
  }
  const duplicate = { path: ["input", "householdId"], message: "The household already has a case in progress." };
  if (!errors.any && (await hasActiveCase(ctx, householdId)))
    errors.add(duplicate.path.slice(1), "DUPLICATE", duplicate.message);
  const { principal } = ctx.access;
  return create(
    ctx,
    caseTarget,
    {
      async insert(tx, history) {
        const id = await insertCase(tx, {
          householdId,
          villageCode: household.villageCode,
          source: input.source,
          statement: input.statement.trim(),
          openedOn,
          filedBy: principal.id,
          filedByDepartment: principal.department,
        });
        await linkAlerts(tx, id, [...own]);
        history.record({ reason: input.statement.trim() }, {}, { householdId }, [
          { field: "status", newValue: "OPENED", occurredOn: openedOn },
          { field: "source", newValue: input.source, occurredOn: openedOn },
        ]);
        return id;
      },
      duplicates: { [ONE_ACTIVE_CASE]: duplicate },
      fallback: duplicate,
    },
    errors,
  );
}

/** The bureau opens a case after a cadre's visit (基层干部排查) or from a department's alerts (部门筛查预警). */
export function openMonitoringCase(ctx: Context, input: I.OpenMonitoringCaseInput) {
  assertWrites(ctx.access, "MonitoringCase", ["source", "statement", "openedOn", "alerts"]);
  if (input.source === "SELF_APPLICATION") {
    const errors = new InputErrors();
    errors.add(
      ["source"],
      "INCONSISTENT",
      "Self-applications are filed through the household's village (fileSelfApplication).",
    );
    return Promise.resolve({ ok: false, unchanged: false, record: null, inputErrors: errors.list, error: null });
  }
  return openCase(ctx, { ...input, alertIds: input.alertIds ?? [], source: input.source as Opening["source"] });
}

/**
 * 农户主动申请: a village applicant files an application for a household of its village. The
 * policy grants this mutation to the applicant's department alone; its scope is its village.
 */
export function fileSelfApplication(ctx: Context, input: I.FileSelfApplicationInput) {
  assertWrites(ctx.access, "Mutation", ["fileSelfApplication"]);
  return openCase(ctx, { ...input, openedOn: input.appliedOn, source: "SELF_APPLICATION", alertIds: [] });
}

// ---- identification steps ----

export const verifyCase: CaseStep<I.VerifyCaseInput> = {
  name: "verifyCase",
  build(ctx, input, errors, refusal) {
    errors.required(["findings"], input.findings, "what the home visit found");
    const verifiedOn = dayOr(errors, "verifiedOn", input.verifiedOn);
    return {
      id: decodeId(input.caseId, "MonitoringCase"),
      version: input.version,
      reason: input.findings,
      set: {
        status: "VERIFIED",
        verifiedOn,
        verificationFindings: input.findings.trim(),
        verifiedBy: ctx.access.principal.id,
      },
      check: standsAt(["OPENED"], "Verification", refusal),
    };
  },
};

const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;

export const noticeCase: CaseStep<I.NoticeCaseInput> = {
  name: "noticeCase",
  build(ctx, input, errors, refusal) {
    errors.required(["place"], input.place, "where the notice is posted");
    const datesValid = errors.date(["from"], input.from, false) && errors.date(["to"], input.to, false);
    const minimum = ctx.config.CASE_NOTICE_MIN_DAYS;
    if (datesValid && daysBetween(input.from, input.to) < minimum) {
      errors.add(["to"], "OUT_OF_RANGE", `A notice lasts at least ${minimum} days (CASE_NOTICE_MIN_DAYS).`);
    }
    const order = standsAt(["VERIFIED"], "The notice", refusal);
    return {
      id: decodeId(input.caseId, "MonitoringCase"),
      version: input.version,
      reason: `公示 ${input.place}`,
      set: { status: "NOTICED", noticePlace: input.place.trim(), noticeFrom: input.from, noticeTo: input.to },
      check: (current) =>
        order(current) ??
        (String(current.verifiedOn) > input.from
          ? {
              invalid: {
                path: ["from"],
                code: "INCONSISTENT",
                message: "The notice starts after the home visit.",
              },
            }
          : null),
    };
  },
};

const objectionEffect = (apply: (tx: Drizzle, row: Row) => Promise<Problem | null>, change: object): Effect => ({
  fields: ["objections"],
  async apply(tx, row) {
    const problem = await apply(tx, row);
    return problem ?? [{ field: "objections", newValue: change }];
  },
});

export const raiseObjection: CaseStep<I.RaiseObjectionInput> = {
  name: "raiseObjection",
  build(ctx, input, errors, refusal) {
    errors.required(["raisedBy"], input.raisedBy, "who raised it");
    errors.required(["content"], input.content, "what is objected");
    const raisedOn = dayOr(errors, "raisedOn", input.raisedOn);
    const id = decodeId(input.caseId, "MonitoringCase");
    return {
      id,
      version: input.version,
      reason: "公示异议",
      check: standsAt(["NOTICED"], "An objection", refusal),
      effects: [
        objectionEffect(
          async (tx) => {
            await insertObjection(tx, {
              caseId: id,
              raisedOn,
              raisedBy: input.raisedBy.trim(),
              content: input.content.trim(),
              recordedBy: ctx.access.principal.id,
            });
            return null;
          },
          { raisedOn, content: input.content.trim() },
        ),
      ],
    };
  },
};

export const settleCaseObjection: CaseStep<I.SettleObjectionInput> = {
  name: "settleObjection",
  build(ctx, input, errors, refusal) {
    errors.required(["settlement"], input.settlement, "what the check found and decided");
    const settledOn = dayOr(errors, "settledOn", input.settledOn);
    const id = decodeId(input.caseId, "MonitoringCase");
    const objectionId = decodeId(input.objectionId, "CaseObjection");
    return {
      id,
      version: input.version,
      reason: input.settlement,
      check: standsAt(["NOTICED"], "Settling an objection", refusal),
      effects: [
        objectionEffect(
          async (tx) => {
            const objection = (await objectionsOf(tx, id)).find((o) => o.id === objectionId);
            if (!objection) {
              return {
                invalid: {
                  path: ["objectionId"],
                  code: "INCONSISTENT",
                  message: "Not an objection of this case.",
                },
              };
            }
            if (objection.settledOn) return { refused: `The objection was settled on ${objection.settledOn}.` };
            await settleObjection(tx, id, objectionId, {
              settledOn,
              settlement: input.settlement.trim(),
              upheld: input.upheld,
            });
            return null;
          },
          { objection: input.objectionId, settledOn, upheld: input.upheld },
        ),
      ],
    };
  },
};

export const reviewCase: CaseStep<I.ReviewCaseInput> = {
  name: "reviewCase",
  build(ctx, input, errors, refusal) {
    errors.required(["note"], input.note, "the township's opinion");
    const reviewedOn = dayOr(errors, "reviewedOn", input.reviewedOn);
    const id = decodeId(input.caseId, "MonitoringCase");
    return {
      id,
      version: input.version,
      reason: input.note,
      set: { status: "REVIEWED", reviewedOn, reviewNote: input.note.trim(), reviewedBy: ctx.access.principal.id },
      check: standsAt(["NOTICED"], "The township review", refusal),
      effects: [
        {
          fields: [],
          async apply(tx, row) {
            const missing: Missing[] = [];
            if (String(row.noticeTo) >= reviewedOn) {
              missing.push({
                code: "NOTICE_PERIOD_NOT_ENDED",
                message: `the notice runs until ${String(row.noticeTo)}`,
              });
            }
            for (const o of await objectionsOf(tx, id)) {
              if (!o.settledOn) {
                missing.push({ code: "OBJECTION_UNSETTLED", message: `the objection of ${o.raisedOn} is not settled` });
              } else if (o.upheld) {
                missing.push({
                  code: "OBJECTION_UPHELD",
                  message: `the objection of ${o.raisedOn} was upheld: reject the case`,
                });
              }
            }
            if (!missing.length) return [];
            return refusal.refuse(
              `The township review needs first: ${missing.map((m) => m.message).join("; ")}.`,
              missing,
            );
          },
        },
      ],
    };
  },
};

/** Types that fit the registry: 脱贫不稳定户 were registered poor (and exited), 边缘易致贫户 never were. */
function typeProblem(monitoringType: string, formerlyPoor: boolean): string | null {
  if (monitoringType === "UNSTABLE" && !formerlyPoor)
    return "A household never registered poor cannot be 脱贫不稳定户.";
  if (monitoringType === "MARGINAL" && formerlyPoor)
    return "A household registered poor is not 边缘易致贫户: it is 脱贫不稳定户.";
  return null;
}

/**
 * 县级确认: only here is the household placed under monitoring — its monitoring status and type on
 * the household (in the same transaction, through the household's own write), its poverty status
 * left as the registry has it; the case keeps whether it had been registered poor (read from the
 * household as it stands once the case is locked).
 */
export const confirmCase: CaseStep<I.ConfirmCaseInput> = {
  name: "confirmCase",
  build(ctx, input, errors, refusal) {
    const confirmedOn = dayOr(errors, "confirmedOn", input.confirmedOn);
    if (!input.riskTypes.length) errors.add(["riskTypes"], "REQUIRED", "Name one or more risk types.");
    const riskTypes = [...new Set(input.riskTypes)];
    const order = standsAt(["REVIEWED"], "The county confirmation", refusal);
    return {
      id: decodeId(input.caseId, "MonitoringCase"),
      version: input.version,
      reason: "县级确认纳入监测",
      set: {
        status: "MONITORED",
        confirmedOn,
        confirmedBy: ctx.access.principal.id,
        monitoringType: input.monitoringType,
        riskTypes,
      },
      check: order,
      effects: [
        {
          fields: ["formerlyPoor"],
          async apply(tx, row) {
            const household = await findCaseHousehold({ db: tx, access: ctx.access }, row.householdId as number);
            if (!household) return { refused: "The case's household is not in your scope." };
            const invalid = (path: string, message: string): Problem => ({
              invalid: { path: [path], code: "INCONSISTENT", message },
            });
            if (POOR_NOW.includes(household.status)) {
              return invalid(
                "caseId",
                "A household poor now (POOR, RETURNED or NEWLY_POOR) is assisted as poor, not placed under monitoring.",
              );
            }
            const formerlyPoor = wasRegisteredPoor(household);
            const problem = typeProblem(input.monitoringType, formerlyPoor);
            if (problem) return invalid("monitoringType", problem);
            await setCaseFormerlyPoor(tx, row.id as number, formerlyPoor);
            return [{ field: "formerlyPoor", newValue: formerlyPoor }];
          },
        },
      ],
      after: async (tx, change) => {
        await setHouseholdMonitoring(
          ctx,
          tx,
          change.after.householdId as number,
          input.monitoringType,
          confirmedOn,
          "纳入监测 (县级确认)",
        );
      },
    };
  },
};

const POOR_NOW: readonly string[] = ["POOR", "RETURNED", "NEWLY_POOR"];

/**
 * The household's side of monitoring, through the household's own write (history, alert rules):
 * a type places it under monitoring, none records its risk eliminated (the type it was monitored
 * as is kept). Its poverty status is never touched.
 */
async function setHouseholdMonitoring(
  ctx: Context,
  tx: Drizzle,
  householdId: number,
  monitoringType: string | null,
  occurredOn: string,
  reason: string,
) {
  const current = await findCaseHousehold({ db: tx, access: ctx.access }, householdId);
  if (!current) throw new ForbiddenError("No such Household in your scope.");
  const set = monitoringType
    ? { monitoringStatus: "MONITORED", monitoringType }
    : { monitoringStatus: "RISK_ELIMINATED", monitoringType: current.monitoringType };
  const [state] = await applyWrites(
    ctx,
    householdTarget,
    [
      {
        id: householdId,
        version: current.version,
        reason,
        set,
        event: () => ({ kind: monitoringType ? "PLACED_UNDER_MONITORING" : "RISK_ELIMINATED", occurredOn }),
      },
    ],
    tx,
  );
  if (state?.kind !== "applied" && state?.kind !== "unchanged") throw new Error(`household write ${state?.kind}`);
}

export const rejectCase: CaseStep<I.RejectCaseInput> = {
  name: "rejectCase",
  build(ctx, input, errors, refusal) {
    errors.reason(input.reason);
    return {
      id: decodeId(input.caseId, "MonitoringCase"),
      version: input.version,
      reason: input.reason,
      set: { status: "REJECTED", closedNote: input.reason.trim() },
      check: standsAt(["OPENED", "VERIFIED", "NOTICED", "REVIEWED"], "Rejecting", refusal),
    };
  },
};

// ---- assistance, elimination, follow-up ----

const DEPARTMENT = /^[A-Z][A-Z_]*$/;

export const recordAssistance: CaseStep<I.RecordAssistanceMeasureInput> = {
  name: "recordAssistanceMeasure",
  build(ctx, input, errors, refusal) {
    errors.required(["description"], input.description, "what is done");
    if (!DEPARTMENT.test(input.department))
      errors.add(["department"], "INVALID_FORMAT", "A department code, e.g. CIVIL_AFFAIRS.");
    errors.date(["startedOn"], input.startedOn, false);
    errors.range(["funds"], input.funds, 0, 100_000_000, "Funds (yuan)");
    const id = decodeId(input.caseId, "MonitoringCase");
    return {
      id,
      version: input.version,
      reason: input.description,
      check: standsAt(["MONITORED"], "Assistance", refusal),
      effects: [
        {
          fields: ["assistance"],
          async apply(tx) {
            await insertAssistance(tx, {
              caseId: id,
              kind: input.kind as "INDUSTRY",
              description: input.description.trim(),
              department: input.department,
              startedOn: input.startedOn,
              funds: input.funds ?? null,
              recordedBy: ctx.access.principal.id,
            });
            return [
              {
                field: "assistance",
                newValue: { kind: input.kind, department: input.department, startedOn: input.startedOn },
              },
            ];
          },
        },
      ],
    };
  },
};

/** Due days of the follow-up visits after elimination: every FOLLOW_UP_INTERVAL_MONTHS, FOLLOW_UP_VISITS times. */
export function followUpSchedule(eliminatedOn: string, intervalMonths: number, visits: number): string[] {
  const [y, m, d] = eliminatedOn.split("-").map(Number) as [number, number, number];
  return Array.from({ length: visits }, (_, i) => {
    const month = m - 1 + intervalMonths * (i + 1);
    const last = new Date(Date.UTC(y, month + 1, 0)).getUTCDate();
    return new Date(Date.UTC(y, month, Math.min(d, last))).toISOString().slice(0, 10);
  });
}

/**
 * 风险消除: refused, with every unmet criterion in `extensions.missing`, until the configured
 * criteria hold; then the case's alerts are resolved, the household leaves monitoring (back to
 * its poverty status, never "exited" when it was never poor) and the follow-up visits are due.
 */
export const eliminateRisk: CaseStep<I.EliminateRiskInput> = {
  name: "eliminateRisk",
  build(ctx, input, errors, refusal) {
    errors.required(["note"], input.note, "why the risk is eliminated");
    const eliminatedOn = dayOr(errors, "eliminatedOn", input.eliminatedOn);
    const id = decodeId(input.caseId, "MonitoringCase");
    return {
      id,
      version: input.version,
      reason: input.note,
      set: { status: "RISK_ELIMINATED", eliminatedOn, eliminationNote: input.note.trim() },
      check: standsAt(["MONITORED"], "Eliminating the risk", refusal),
      effects: [
        {
          fields: [],
          async apply(tx, row) {
            const household = { householdId: row.householdId as number, villageCode: row.villageCode as string };
            const missing = await unmetForElimination(ctx, tx, household, id);
            if (!missing.length) return [];
            return refusal.refuse(
              `The risk cannot be eliminated yet: ${missing.map((m) => m.message).join("; ")}`,
              missing,
              "RISK_NOT_ELIMINATED",
            );
          },
        },
      ],
      after: async (tx, change) => {
        const householdId = change.after.householdId as number;
        await resolveCaseAlerts(ctx, tx, id, input.note.trim());
        await setHouseholdMonitoring(ctx, tx, householdId, null, eliminatedOn, `风险消除: ${input.note.trim()}`);
        const { FOLLOW_UP_INTERVAL_MONTHS: every, FOLLOW_UP_VISITS: visits } = ctx.config;
        await insertFollowUps(
          tx,
          followUpSchedule(eliminatedOn, every, visits).map((dueOn) => ({
            caseId: id,
            villageCode: change.after.villageCode as string,
            dueOn,
          })),
        );
      },
    };
  },
};

/** The case's alerts still being worked are resolved with it (each step an event of the alert). */
async function resolveCaseAlerts(ctx: Context, tx: Drizzle, caseId: number, note: string) {
  const active = await linkedActiveAlerts(tx, caseId);
  const { principal } = ctx.access;
  await applyWrites(
    ctx,
    alertTarget,
    active.map((a) => ({
      id: a.id,
      version: a.version,
      reason: note,
      set: { status: "RESOLVED" },
      after: (t, change) =>
        insertAlertEvent(t, {
          alertId: a.id,
          fromStatus: change.before.status as "OPEN",
          toStatus: "RESOLVED",
          note: `风险消除 (case ${toGlobalId("MonitoringCase", caseId)}): ${note}`,
          recordedBy: principal.id,
          department: principal.department,
        }),
    })),
    tx,
  );
}

export const recordFollowUpVisit: CaseStep<I.RecordFollowUpVisitInput> = {
  name: "recordFollowUpVisit",
  build(ctx, input, errors, refusal) {
    errors.required(["findings"], input.findings, "what the visit found");
    const visitedOn = dayOr(errors, "visitedOn", input.visitedOn);
    const id = decodeId(input.caseId, "MonitoringCase");
    return {
      id,
      version: input.version,
      reason: input.findings,
      check: standsAt(["RISK_ELIMINATED"], "A follow-up visit", refusal),
      effects: [
        {
          fields: ["followUps"],
          async apply(tx) {
            const due = await nextFollowUp(tx, id);
            if (!due) {
              return refusal.refuse("Every follow-up visit of this case has been made.", [
                { code: "NO_FOLLOW_UP_DUE", message: "no follow-up visit is outstanding" },
              ]);
            }
            await recordVisit(tx, due.id, {
              visitedOn,
              findings: input.findings.trim(),
              visitedBy: ctx.access.principal.id,
            });
            return [{ field: "followUps", newValue: { dueOn: due.dueOn, visitedOn } }];
          },
        },
      ],
    };
  },
};

// ---- reads ----

export function listCases(ctx: Context, filter: I.CaseFilter | null | undefined, args: PageArgs) {
  const f = filter ?? {};
  return pageCases(
    ctx,
    { regionCode: f.regionCode ? assertRegionPrefix(f.regionCode) : null, status: f.status, source: f.source },
    args,
  );
}

export function listFollowUpsDue(
  ctx: Context,
  regionCode: string | null | undefined,
  asOf: string | null | undefined,
  args: PageArgs,
) {
  const errors = new InputErrors(["dueBy"]);
  const day = asOf ?? today();
  if (!errors.date([], day, false)) throw new BadUserInputError("`dueBy` is an ISO date (YYYY-MM-DD).");
  return pageFollowUpsDue(ctx, regionCode ? assertRegionPrefix(regionCode) : null, day, args);
}

export async function monitoringCounts(ctx: Context, regionCode: string | null | undefined) {
  const region = regionCode ? assertRegionPrefix(regionCode) : ctx.access.principal.region;
  const { identifying, monitoring, events } = await countMonitoring(ctx, region);
  return {
    regionCode: region,
    casesInIdentification: identifying,
    unstable: monitoring.unstable,
    marginal: monitoring.marginal,
    suddenHardship: monitoring.sudden,
    riskEliminated: monitoring.eliminated,
    returnedToPoverty: Number(events.returned),
    becamePoor: Number(events.became),
  };
}

export type { CaseRow };
