import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  char,
  date,
  foreignKey,
  index,
  integer,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { assistanceKind, monitoringType } from "./enums.js";
import { households, riskAlerts } from "./tables.js";

// Monitoring cases (识别 → 纳入监测 → 帮扶 → 风险消除 → 跟踪回访), seed 003 (Sichuan 2021, 防止返贫动态监测和帮扶).

export const caseSource = pgEnum("case_source", ["SELF_APPLICATION", "CADRE_VISIT", "DEPARTMENT_SCREENING"]);
export const caseStatus = pgEnum("case_status", [
  "OPENED",
  "VERIFIED",
  "NOTICED",
  "REVIEWED",
  "MONITORED",
  "RISK_ELIMINATED",
  "REJECTED",
]);
export const riskType = pgEnum("risk_type", [
  "ILLNESS",
  "DISABILITY",
  "SCHOOLING",
  "DISASTER",
  "ACCIDENT",
  "UNSTABLE_EMPLOYMENT",
  "INCOME_DROP",
  "RIGID_EXPENDITURE",
  "LACK_OF_LABOUR",
  "OTHER",
]);

const code = (name: string) => char(name, { length: 12 });

/**
 * One monitoring case of a household: how it came in, each step of its identification (核实, 公示,
 * 乡镇审核, 县级确认), the monitoring it led to, and its end (风险消除). At most one active case per
 * household. `formerlyPoor` is the registry's answer at confirmation (was the household registered
 * poor?), so that monitoring never rewrites poverty status.
 */
export const monitoringCases = pgTable(
  "monitoring_cases",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    householdId: integer("household_id").notNull(),
    villageCode: code("village_code").notNull(),
    source: caseSource("source").notNull(),
    status: caseStatus("status").notNull().default("OPENED"),
    openedOn: date("opened_on").notNull(),
    statement: text("statement").notNull(),
    /** The principal that opened or filed it (a village applicant reads its own applications by it). */
    filedBy: text("filed_by").notNull(),
    filedByDepartment: text("filed_by_department").notNull(),
    verifiedOn: date("verified_on"),
    verificationFindings: text("verification_findings"),
    verifiedBy: text("verified_by"),
    noticePlace: text("notice_place"),
    noticeFrom: date("notice_from"),
    noticeTo: date("notice_to"),
    reviewedOn: date("reviewed_on"),
    reviewNote: text("review_note"),
    reviewedBy: text("reviewed_by"),
    confirmedOn: date("confirmed_on"),
    confirmedBy: text("confirmed_by"),
    monitoringType: monitoringType("monitoring_type"),
    riskTypes: riskType("risk_types")
      .array()
      .notNull()
      .default(sql`'{}'`),
    formerlyPoor: boolean("formerly_poor"),
    eliminatedOn: date("eliminated_on"),
    eliminationNote: text("elimination_note"),
    closedNote: text("closed_note"),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      columns: [t.householdId, t.villageCode],
      foreignColumns: [households.id, households.villageCode],
    }).onUpdate("cascade"),
    index("monitoring_cases_village_code_id_idx").on(t.villageCode, t.id),
    index("monitoring_cases_household_idx").on(t.householdId, t.id),
    index("monitoring_cases_filed_by_idx").on(t.filedBy, t.id),
    uniqueIndex("monitoring_cases_one_active")
      .on(t.householdId)
      .where(sql`status NOT IN ('RISK_ELIMINATED', 'REJECTED')`),
    check(
      "monitoring_cases_confirmed",
      sql`(status IN ('MONITORED', 'RISK_ELIMINATED')) = (confirmed_on IS NOT NULL AND monitoring_type IS NOT NULL AND cardinality(risk_types) > 0)`,
    ),
  ],
);

/** The alerts that raised a case (部门筛查预警 → 识别). */
export const caseAlerts = pgTable(
  "case_alerts",
  {
    caseId: integer("case_id")
      .notNull()
      .references(() => monitoringCases.id),
    alertId: integer("alert_id")
      .notNull()
      .references(() => riskAlerts.id),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.alertId] }), index("case_alerts_alert_idx").on(t.alertId)],
);

/** An objection raised during the village notice (公示) and how it was settled. */
export const caseObjections = pgTable(
  "case_objections",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    caseId: integer("case_id")
      .notNull()
      .references(() => monitoringCases.id),
    raisedOn: date("raised_on").notNull(),
    raisedBy: text("raised_by").notNull(),
    content: text("content").notNull(),
    settledOn: date("settled_on"),
    settlement: text("settlement"),
    upheld: boolean("upheld"),
    recordedBy: text("recorded_by").notNull(),
  },
  (t) => [index("case_objections_case_idx").on(t.caseId, t.id)],
);

/** An assistance measure (帮扶措施) recorded against a case. */
export const assistanceMeasures = pgTable(
  "assistance_measures",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    caseId: integer("case_id")
      .notNull()
      .references(() => monitoringCases.id),
    kind: assistanceKind("kind").notNull(),
    description: text("description").notNull(),
    department: text("department").notNull(),
    startedOn: date("started_on").notNull(),
    funds: numeric("funds", { precision: 14, scale: 2, mode: "number" }),
    recordedBy: text("recorded_by").notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("assistance_measures_case_idx").on(t.caseId, t.id)],
);

/** A follow-up visit (跟踪回访) of an eliminated risk: due on a day, visited (or not yet). */
export const followUpVisits = pgTable(
  "follow_up_visits",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    caseId: integer("case_id")
      .notNull()
      .references(() => monitoringCases.id),
    villageCode: code("village_code").notNull(),
    dueOn: date("due_on").notNull(),
    visitedOn: date("visited_on"),
    findings: text("findings"),
    visitedBy: text("visited_by"),
  },
  (t) => [
    index("follow_up_visits_due_idx")
      .on(t.villageCode, t.dueOn)
      .where(sql`visited_on IS NULL`),
    index("follow_up_visits_case_idx").on(t.caseId, t.dueOn),
  ],
);
