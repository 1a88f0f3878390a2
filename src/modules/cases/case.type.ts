import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import * as db from "../../db/schema.js";
import { graphqlEnum, MonitoringType } from "../../shared/enums.js";
import { NodeInterface } from "../../shared/node.js";
import { connectionType } from "../../shared/pagination.js";
import type { Node } from "../../shared/rows.js";

export const CaseSource = graphqlEnum(
  db.caseSource,
  "CaseSource",
  "How a household came to a monitoring case (识别渠道).",
  {
    SELF_APPLICATION: "农户主动申请 The household applied (also online, through its village).",
    CADRE_VISIT: "基层干部排查 A cadre's visit found the risk.",
    DEPARTMENT_SCREENING: "部门筛查预警 A department's data raised an alert.",
  },
);

export const CaseStatus = graphqlEnum(
  db.caseStatus,
  "CaseStatus",
  "Where a case stands: OPENED → VERIFIED → NOTICED → REVIEWED → MONITORED → RISK_ELIMINATED, or REJECTED.",
  {
    OPENED: "受理 Opened (applied, reported or raised), not yet verified.",
    VERIFIED: "入户核实 Verified at home, with findings.",
    NOTICED: "村级公示 Noticed publicly in the village.",
    REVIEWED: "乡镇审核 Reviewed by the township.",
    MONITORED: "县级确认 Confirmed by the county: the household is under monitoring.",
    RISK_ELIMINATED: "风险消除 Risk eliminated; follow-up visits are due.",
    REJECTED: "不予纳入 Closed without placing the household under monitoring.",
  },
);

export const RiskType = graphqlEnum(db.riskType, "RiskType", "Risk type of a monitored household (风险类型).", {
  ILLNESS: "因病 Illness.",
  DISABILITY: "因残 Disability.",
  SCHOOLING: "因学 Schooling costs.",
  DISASTER: "因灾 Natural disaster.",
  ACCIDENT: "因意外事故 Accident.",
  UNSTABLE_EMPLOYMENT: "因务工就业不稳 Unstable work or employment.",
  INCOME_DROP: "收入大幅缩减 Income fell sharply.",
  RIGID_EXPENDITURE: "刚性支出过大 Rigid expenditure too large.",
  LACK_OF_LABOUR: "缺劳力 Lack of labour.",
  OTHER: "其他 Other.",
});

export const AssistanceKind = graphqlEnum(
  db.assistanceKind,
  "AssistanceKind",
  "Kind of assistance measure (帮扶措施).",
  {
    INDUSTRY: "产业帮扶 Industry support.",
    EMPLOYMENT: "就业帮扶 Employment support (jobs, training, 公益岗位).",
    HEALTH: "健康帮扶 Health: insurance subsidy, treatment, medical assistance.",
    EDUCATION: "教育帮扶 Education: student aid.",
    HOUSING: "住房保障 Housing: renovation.",
    DRINKING_WATER: "饮水保障 Safe drinking water.",
    SUBSISTENCE_ALLOWANCE: "兜底保障 低保 / 特困 support.",
    TEMPORARY_RELIEF: "临时救助 Temporary relief.",
    MICROCREDIT: "小额信贷 Microcredit.",
    INSURANCE: "防贫保险 Anti-poverty insurance.",
    OTHER: "其他 Other.",
  },
);

export type CaseRow = Node<typeof db.monitoringCases.$inferSelect>;
export type ObjectionRow = typeof db.caseObjections.$inferSelect;
export type AssistanceRow = typeof db.assistanceMeasures.$inferSelect;
export type FollowUpRow = typeof db.followUpVisits.$inferSelect;

@ObjectType("CaseObjection", {
  implements: NodeInterface,
  description: "An objection raised during the village notice (公示), and its settlement.",
})
export class CaseObjection {
  @Field(() => ID, { description: "Global id." })
  id!: string;

  @Field(() => String, { description: "Day it was raised." })
  raisedOn!: string;

  @Field(() => String, { description: "Who raised it (a villager, as recorded)." })
  raisedBy!: string;

  @Field(() => String, { description: "What was objected." })
  content!: string;

  @Field(() => String, { nullable: true, description: "Day it was settled; null while unsettled." })
  settledOn!: string | null;

  @Field(() => String, { nullable: true, description: "How it was settled (核查结论)." })
  settlement!: string | null;

  @Field(() => Boolean, { nullable: true, description: "Whether it was upheld (the case then must be rejected)." })
  upheld!: boolean | null;
}

@ObjectType("AssistanceMeasure", {
  implements: NodeInterface,
  description: "An assistance measure (帮扶措施) of a monitoring case.",
})
export class AssistanceMeasure {
  @Field(() => ID, { description: "Global id." })
  id!: string;

  @Field(() => AssistanceKind, { description: "Kind of measure." })
  kind!: string;

  @Field(() => String, { description: "What is done." })
  description!: string;

  @Field(() => String, { description: "The responsible department (a department code of the policy)." })
  department!: string;

  @Field(() => String, { description: "Day it started." })
  startedOn!: string;

  @Field(() => Float, { nullable: true, description: "Funds, yuan." })
  funds!: number | null;
}

@ObjectType("FollowUpVisit", {
  implements: NodeInterface,
  description: "A follow-up visit (跟踪回访) of an eliminated risk.",
})
export class FollowUpVisit {
  @Field(() => ID, { description: "Global id." })
  id!: string;

  @Field(() => String, { description: "12-digit code of the household's village." })
  villageCode!: string;

  @Field(() => String, { description: "Day it is due." })
  dueOn!: string;

  @Field(() => String, { nullable: true, description: "Day of the visit; null while due." })
  visitedOn!: string | null;

  @Field(() => String, { nullable: true, description: "What the visit found." })
  findings!: string | null;
}

@ObjectType("MonitoringCase", {
  implements: NodeInterface,
  description:
    "A monitoring case (防止返贫监测对象识别) of a household: its source, steps, monitoring, assistance and end.",
})
export class MonitoringCase {
  @Field(() => ID, { description: "Global id." })
  id!: string;

  @Field(() => CaseStatus, { description: "Where it stands." })
  status!: string;

  @Field(() => CaseSource, { description: "How it came in." })
  source!: string;

  @Field(() => String, { description: "Day it was opened or filed." })
  openedOn!: string;

  @Field(() => String, { description: "The application or report: what happened to the household." })
  statement!: string;

  @Field(() => Int, { description: "Version (optimistic concurrency): pass it back with each step." })
  version!: number;

  @Field(() => String, { description: "12-digit code of the household's village." })
  villageCode!: string;

  @Field(() => String, { nullable: true, description: "入户核实 Day of the home visit." })
  verifiedOn!: string | null;

  @Field(() => String, { nullable: true, description: "What the home visit found." })
  verificationFindings!: string | null;

  @Field(() => String, { nullable: true, description: "Who verified." })
  verifiedBy!: string | null;

  @Field(() => String, { nullable: true, description: "公示 Where the notice was posted." })
  noticePlace!: string | null;

  @Field(() => String, { nullable: true, description: "First day of the notice." })
  noticeFrom!: string | null;

  @Field(() => String, { nullable: true, description: "Last day of the notice." })
  noticeTo!: string | null;

  @Field(() => String, { nullable: true, description: "乡镇审核 Day of the township review." })
  reviewedOn!: string | null;

  @Field(() => String, { nullable: true, description: "The township's opinion." })
  reviewNote!: string | null;

  @Field(() => String, { nullable: true, description: "Who reviewed." })
  reviewedBy!: string | null;

  @Field(() => String, { nullable: true, description: "县级确认 Day of the county confirmation." })
  confirmedOn!: string | null;

  @Field(() => String, { nullable: true, description: "Who confirmed." })
  confirmedBy!: string | null;

  @Field(() => MonitoringType, { nullable: true, description: "Monitoring type, set on confirmation." })
  monitoringType!: string | null;

  @Field(() => [RiskType], { description: "Risk types (one or more once confirmed)." })
  riskTypes!: string[];

  @Field(() => Boolean, {
    nullable: true,
    description: "Whether the household had been registered poor (建档立卡) when confirmed: 脱贫不稳定 vs never poor.",
  })
  formerlyPoor!: boolean | null;

  @Field(() => String, { nullable: true, description: "风险消除 Day the risk was eliminated." })
  eliminatedOn!: string | null;

  @Field(() => String, { nullable: true, description: "Why the risk is eliminated." })
  eliminationNote!: string | null;

  @Field(() => String, { nullable: true, description: "Why the case was rejected." })
  closedNote!: string | null;
}

@ObjectType("MonitoringCounts", {
  description: "Counts of a region: households under monitoring by type, risks eliminated, 返贫 and 致贫 apart.",
})
export class MonitoringCounts {
  @Field(() => String, { description: "The region code prefix counted." })
  regionCode!: string;

  @Field(() => Int, { description: "Cases open (not yet confirmed or rejected)." })
  casesInIdentification!: number;

  @Field(() => Int, { description: "脱贫不稳定户 under monitoring." })
  unstable!: number;

  @Field(() => Int, { description: "边缘易致贫户 under monitoring." })
  marginal!: number;

  @Field(() => Int, { description: "突发严重困难户 under monitoring." })
  suddenHardship!: number;

  @Field(() => Int, {
    description: "Households whose risk was eliminated (风险消除) and not placed under monitoring again.",
  })
  riskEliminated!: number;

  @Field(() => Int, { description: "返贫 Households registered poor, exited, and fallen back (events)." })
  returnedToPoverty!: number;

  @Field(() => Int, { description: "致贫 Households never registered poor that became poor (events)." })
  becamePoor!: number;
}

export const CaseConnection = connectionType(MonitoringCase, "MonitoringCase", "monitoring case");
export const FollowUpConnection = connectionType(FollowUpVisit, "FollowUpVisit", "follow-up visit");
