/**
 * Monitoring cases of the generated households (seed 003: 农户主动申请, 基层干部排查, 部门筛查预警 → 入户核实
 * → 村级公示 → 乡镇审核 → 县级确认 → 帮扶 → 风险消除 → 跟踪回访): every monitored household came in by a
 * confirmed case; some risks are eliminated, with follow-ups; other households have a case still in
 * identification or rejected. Drawn from a stream of their own, so the other values stay as they were.
 */
import { addDays, dateIn, REFERENCE_DATE } from "./calendar.js";
import type { HouseholdDraft } from "./household-records.js";
import type { Random } from "./random.js";
import type { Push, SeedRow } from "./tables.js";

type CaseRow = SeedRow<"monitoring_cases">;
type Source = CaseRow["source"];
type Status = CaseRow["status"];

/** Where a case got to and when: what the household's history and the case rows are written from. */
export interface CaseTimeline {
  source: Source;
  status: Status;
  openedOn: string;
  verifiedOn: string | null;
  noticeFrom: string | null;
  noticeTo: string | null;
  reviewedOn: string | null;
  confirmedOn: string | null;
  eliminatedOn: string | null;
  objection: { raisedOn: string; settledOn: string } | null;
}

export interface CaseIds {
  case: number;
  alert: number;
  objection: number;
  assistance: number;
  followUp: number;
}

const SOURCES = [
  ["SELF_APPLICATION", 25],
  ["CADRE_VISIT", 45],
  ["DEPARTMENT_SCREENING", 30],
] as const;

/** Follow-up visits after elimination, as the server's defaults (FOLLOW_UP_INTERVAL_MONTHS, FOLLOW_UP_VISITS). */
const FOLLOW_UP_MONTHS = 6;
const FOLLOW_UP_VISITS = 2;

const STAGES: readonly Status[] = ["OPENED", "VERIFIED", "NOTICED", "REVIEWED", "MONITORED", "RISK_ELIMINATED"];

const notLater = (day: string) => (day > REFERENCE_DATE ? REFERENCE_DATE : day);

/**
 * The steps of a case opened on a day, up to `until` (a stage; REJECTED stops after a random step).
 * Every step follows the one before by days, the notice lasting 7–10 days.
 */
export function caseTimeline(rng: Random, openedOn: string, until: Status, eliminate: boolean): CaseTimeline {
  const t: CaseTimeline = {
    source: rng.weighted(SOURCES),
    status: until,
    openedOn,
    verifiedOn: null,
    noticeFrom: null,
    noticeTo: null,
    reviewedOn: null,
    confirmedOn: null,
    eliminatedOn: null,
    objection: null,
  };
  const last = until === "REJECTED" ? rng.pick(["OPENED", "VERIFIED", "NOTICED"] as const) : until;
  const upTo = (stage: Status) => STAGES.indexOf(last) >= STAGES.indexOf(stage);
  if (upTo("VERIFIED")) t.verifiedOn = addDays(openedOn, rng.int(3, 15));
  if (upTo("NOTICED")) {
    t.noticeFrom = addDays(t.verifiedOn!, rng.int(1, 5));
    t.noticeTo = addDays(t.noticeFrom, rng.int(6, 9));
    if (rng.chance(0.1)) {
      const raisedOn = addDays(t.noticeFrom, rng.int(0, 5));
      t.objection = { raisedOn, settledOn: addDays(raisedOn, rng.int(1, 3)) };
    }
  }
  if (upTo("REVIEWED")) t.reviewedOn = addDays(t.noticeTo!, rng.int(1, 10));
  if (upTo("MONITORED")) t.confirmedOn = addDays(t.reviewedOn!, rng.int(2, 20));
  if (eliminate && t.confirmedOn) {
    t.eliminatedOn = notLater(addDays(t.confirmedOn, rng.int(180, 420)));
    t.status = "RISK_ELIMINATED";
  }
  return t;
}

/** A case opened within the last months before the reference date, still in identification or rejected. */
export function pendingTimeline(rng: Random): CaseTimeline {
  const until = rng.weighted([
    ["OPENED", 25],
    ["VERIFIED", 20],
    ["NOTICED", 20],
    ["REVIEWED", 15],
    ["REJECTED", 20],
  ] as const);
  return caseTimeline(rng, dateIn(rng, 2024, 1, 4), until, false);
}

const RISKS_BY_TYPE: Record<string, readonly (readonly [CaseRow["riskTypes"][number], number])[]> = {
  UNSTABLE: [
    ["ILLNESS", 30],
    ["INCOME_DROP", 25],
    ["UNSTABLE_EMPLOYMENT", 20],
    ["LACK_OF_LABOUR", 15],
    ["DISABILITY", 10],
  ],
  MARGINAL: [
    ["INCOME_DROP", 30],
    ["ILLNESS", 25],
    ["RIGID_EXPENDITURE", 20],
    ["SCHOOLING", 15],
    ["LACK_OF_LABOUR", 10],
  ],
  SUDDEN_HARDSHIP: [
    ["ACCIDENT", 30],
    ["DISASTER", 30],
    ["ILLNESS", 25],
    ["RIGID_EXPENDITURE", 15],
  ],
};

const ASSISTANCE = [
  ["INDUSTRY", "发展产业：油茶种植补助", "RURAL_REVITALIZATION", 3000],
  ["EMPLOYMENT", "安排乡村公益岗位", "HUMAN_RESOURCES", 6000],
  ["HEALTH", "家庭医生签约与慢病随访", "HEALTH", 0],
  ["INSURANCE", "医疗救助与大病保险倾斜", "MEDICAL_INSURANCE", 2000],
  ["EDUCATION", "雨露计划职业教育补助", "EDUCATION", 3000],
  ["SUBSISTENCE_ALLOWANCE", "纳入低保兜底", "CIVIL_AFFAIRS", 4800],
  ["TEMPORARY_RELIEF", "临时救助", "CIVIL_AFFAIRS", 1500],
  ["MICROCREDIT", "小额信贷贴息", "RURAL_REVITALIZATION", 0],
] as const;

const SIGNALS = [
  ["MEDICAL_EXPENSE", "MEDICAL_INSURANCE", "Member.medicalExpenseOutOfPocket"],
  ["INCOME_DROP", "RURAL_REVITALIZATION", "HouseholdIncome.perCapitaNetIncome"],
  ["RIGID_EXPENDITURE", "RURAL_REVITALIZATION", "HouseholdRigidExpenditure.amount"],
] as const;

const BUREAU = "seed:乡村振兴局";

/** The case's rows: the case, its alert (部门筛查预警), objection, assistance and follow-up visits. */
export function writeCase(
  rng: Random,
  push: Push,
  ids: CaseIds,
  h: HouseholdDraft & { villageCode: string; helperId: number },
  t: CaseTimeline,
  monitoringType: CaseRow["monitoringType"],
): void {
  const caseId = ids.case++;
  const township = `seed:${h.villageCode.slice(0, 9)}乡镇人民政府`;
  const confirmed = t.confirmedOn !== null;
  const riskTypes = confirmed
    ? [...new Set([rng.weighted(RISKS_BY_TYPE[monitoringType!]!), rng.weighted(RISKS_BY_TYPE[monitoringType!]!)])]
    : [];
  push("monitoring_cases", {
    id: caseId,
    householdId: h.id,
    villageCode: h.villageCode,
    source: t.source,
    status: t.status,
    openedOn: t.openedOn,
    statement:
      t.source === "SELF_APPLICATION"
        ? "户主申请：家庭收入减少，生活困难"
        : t.source === "CADRE_VISIT"
          ? "帮扶责任人走访发现家庭支出骤增"
          : "部门数据比对预警",
    filedBy: t.source === "SELF_APPLICATION" ? `village-applicant:${h.villageCode}` : BUREAU,
    filedByDepartment: t.source === "SELF_APPLICATION" ? "VILLAGE_APPLICANT" : "RURAL_REVITALIZATION",
    verifiedOn: t.verifiedOn,
    verificationFindings: t.verifiedOn ? "入户核实：收入支出、两不愁三保障情况与申报一致" : null,
    verifiedBy: t.verifiedOn ? `seed:${h.villageCode}驻村工作队` : null,
    noticePlace: t.noticeFrom ? "村务公开栏" : null,
    noticeFrom: t.noticeFrom,
    noticeTo: t.noticeTo,
    reviewedOn: t.reviewedOn,
    reviewNote: t.reviewedOn ? "经乡镇审核，符合监测对象认定条件" : null,
    reviewedBy: t.reviewedOn ? township : null,
    confirmedOn: confirmed ? t.confirmedOn : null,
    confirmedBy: confirmed ? BUREAU : null,
    monitoringType: confirmed ? monitoringType : null,
    riskTypes,
    formerlyPoor: confirmed ? h.status !== "NOT_POOR" : null,
    eliminatedOn: t.eliminatedOn,
    eliminationNote: t.eliminatedOn ? "收入持续稳定超过监测标准，两不愁三保障及饮水安全有保障" : null,
    closedNote: t.status === "REJECTED" ? "经核实家庭收支正常，不符合纳入条件" : null,
    createdAt: `${t.openedOn}T09:00:00+08:00`,
  });

  if (t.source === "DEPARTMENT_SCREENING") {
    const [signal, department, field] = rng.pick(SIGNALS);
    const alertId = ids.alert++;
    push("risk_alerts", {
      id: alertId,
      householdId: h.id,
      villageCode: h.villageCode,
      memberId: null,
      signal,
      guaranteeItem: null,
      screeningRule: null,
      department,
      raisedBy: `seed:${department}`,
      trigger: JSON.stringify({ field, source: "部门数据比对" }),
      helperCadreId: h.helperId,
      status:
        t.status === "RISK_ELIMINATED"
          ? "RESOLVED"
          : t.status === "REJECTED"
            ? "DISMISSED"
            : t.status === "MONITORED"
              ? "ASSISTING"
              : t.verifiedOn
                ? "VERIFIED"
                : "OPEN",
      raisedAt: `${addDays(t.openedOn, -rng.int(1, 10))}T08:00:00+08:00`,
    });
    push("case_alerts", { caseId, alertId });
  }

  if (t.objection) {
    push("case_objections", {
      id: ids.objection++,
      caseId,
      raisedOn: t.objection.raisedOn,
      raisedBy: "村民（匿名）",
      content: "认为该户收入情况未如实申报",
      settledOn: t.objection.settledOn,
      settlement: "经村两委复核，收入情况属实，异议不成立",
      upheld: false,
      recordedBy: `seed:${h.villageCode}驻村工作队`,
    });
  }

  if (confirmed) {
    for (const [kind, description, department, funds] of rng.sample(ASSISTANCE, rng.int(1, 3))) {
      const startedOn = notLater(addDays(t.confirmedOn!, rng.int(3, 40)));
      push("assistance_measures", {
        id: ids.assistance++,
        caseId,
        kind,
        description,
        department,
        startedOn,
        funds: funds || null,
        recordedBy: BUREAU,
        recordedAt: `${startedOn}T10:00:00+08:00`,
      });
    }
  }

  if (t.eliminatedOn) {
    for (let i = 1; i <= FOLLOW_UP_VISITS; i++) {
      const dueOn = addMonths(t.eliminatedOn, FOLLOW_UP_MONTHS * i);
      const visited = dueOn <= REFERENCE_DATE && rng.chance(0.8);
      push("follow_up_visits", {
        id: ids.followUp++,
        caseId,
        villageCode: h.villageCode,
        dueOn,
        visitedOn: visited ? addDays(dueOn, -rng.int(0, 20)) : null,
        findings: visited ? "回访：家庭收入稳定，无返贫风险" : null,
        visitedBy: visited ? `seed:${h.villageCode}驻村工作队` : null,
      });
    }
  }
}

/** The same day `months` later (the month's last day when shorter), as the server schedules follow-ups. */
function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const month = m - 1 + months;
  const last = new Date(Date.UTC(y, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, month, Math.min(d, last))).toISOString().slice(0, 10);
}
