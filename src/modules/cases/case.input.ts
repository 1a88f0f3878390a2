import { Field, Float, ID, InputType, Int } from "type-graphql";
import { MonitoringType } from "../../shared/enums.js";
import { AssistanceKind, CaseSource, CaseStatus, RiskType } from "./case.type.js";
import { Reads } from "../../access/reads.js";

@InputType("OpenMonitoringCaseInput", {
  description: "The bureau opens a case for a household: after a cadre's visit or from the alerts that raised it.",
})
export class OpenMonitoringCaseInput {
  @Field(() => ID, { description: "The household." })
  householdId!: string;

  @Field(() => CaseSource, {
    description: "CADRE_VISIT or DEPARTMENT_SCREENING (self-applications are filed by the village).",
  })
  source!: string;

  @Field(() => [ID], {
    nullable: true,
    description: "The household's risk alerts that raised it (required for DEPARTMENT_SCREENING).",
  })
  alertIds?: string[] | null;

  @Field(() => String, { description: "What was found or reported." })
  statement!: string;

  @Field(() => String, { nullable: true, description: "Day opened (ISO date, not in the future); default today." })
  openedOn?: string | null;
}

@InputType("FileSelfApplicationInput", {
  description: "农户主动申请: a household of your village applies to be considered for monitoring.",
})
export class FileSelfApplicationInput {
  @Field(() => ID, { description: "The household (of your village)." })
  householdId!: string;

  @Field(() => String, { description: "What happened to the household, in the applicant's words." })
  statement!: string;

  @Field(() => String, { nullable: true, description: "Day of the application (ISO date); default today." })
  appliedOn?: string | null;
}

/** What every step names: the case and the version read. */
@InputType("CaseStepInput", { description: "A step of a case: the case and its version as you read it." })
export class CaseStepInput {
  @Field(() => ID, { description: "The case." })
  caseId!: string;

  @Field(() => Int, { description: "The case's version as you read it: a stale one is a CONFLICT." })
  version!: number;
}

@InputType("VerifyCaseInput", { description: "入户核实: the home visit and what it found." })
export class VerifyCaseInput extends CaseStepInput {
  @Field(() => String, { description: "What the visit found (income, expenditure, 两不愁三保障)." })
  findings!: string;

  @Field(() => String, { nullable: true, description: "Day of the visit; default today." })
  verifiedOn?: string | null;
}

@InputType("NoticeCaseInput", { description: "村级公示: where and from when to when the case is noticed." })
export class NoticeCaseInput extends CaseStepInput {
  @Field(() => String, { description: "Where it is posted (e.g. 村务公开栏)." })
  place!: string;

  @Field(() => String, { description: "First day (ISO date)." })
  from!: string;

  @Field(() => String, { description: "Last day (ISO date); the notice lasts at least CASE_NOTICE_MIN_DAYS days." })
  to!: string;
}

@InputType("RaiseObjectionInput", { description: "An objection raised during the notice." })
export class RaiseObjectionInput extends CaseStepInput {
  @Field(() => String, { description: "Who raised it." })
  raisedBy!: string;

  @Field(() => String, { description: "What is objected." })
  content!: string;

  @Field(() => String, { nullable: true, description: "Day raised; default today." })
  raisedOn?: string | null;
}

@InputType("SettleObjectionInput", { description: "How an objection was settled after checking it." })
export class SettleObjectionInput extends CaseStepInput {
  @Field(() => ID, { description: "The objection." })
  objectionId!: string;

  @Field(() => String, { description: "What the check found and decided." })
  settlement!: string;

  @Field(() => Boolean, { description: "Whether the objection was upheld (then the case must be rejected)." })
  upheld!: boolean;

  @Field(() => String, { nullable: true, description: "Day settled; default today." })
  settledOn?: string | null;
}

@InputType("ReviewCaseInput", {
  description: "乡镇审核: the township's review, after the notice ended with every objection settled.",
})
export class ReviewCaseInput extends CaseStepInput {
  @Field(() => String, { description: "The township's opinion." })
  note!: string;

  @Field(() => String, { nullable: true, description: "Day of the review; default today." })
  reviewedOn?: string | null;
}

@InputType("ConfirmCaseInput", {
  description: "县级确认: the county places the household under monitoring, with its type and risk types.",
})
export class ConfirmCaseInput extends CaseStepInput {
  @Field(() => MonitoringType, { description: "脱贫不稳定户 / 边缘易致贫户 / 突发严重困难户." })
  monitoringType!: string;

  @Field(() => [RiskType], { description: "One or more risk types." })
  riskTypes!: string[];

  @Field(() => String, { nullable: true, description: "Day of the confirmation; default today." })
  confirmedOn?: string | null;
}

@InputType("RejectCaseInput", { description: "Close a case without monitoring (not at risk, or an objection upheld)." })
export class RejectCaseInput extends CaseStepInput {
  @Field(() => String, { description: "Why." })
  reason!: string;
}

@InputType("RecordAssistanceMeasureInput", { description: "帮扶措施: a measure for a household under monitoring." })
export class RecordAssistanceMeasureInput extends CaseStepInput {
  @Field(() => AssistanceKind, { description: "Kind." })
  kind!: string;

  @Field(() => String, { description: "What is done." })
  description!: string;

  @Field(() => String, { description: "The responsible department (a department code of the policy)." })
  department!: string;

  @Field(() => String, { description: "Day it starts (ISO date)." })
  startedOn!: string;

  @Field(() => Float, { nullable: true, description: "Funds, yuan." })
  funds?: number | null;
}

@InputType("EliminateRiskInput", {
  description: "风险消除: ends monitoring when every configured criterion is met; refused with the unmet ones listed.",
})
export class EliminateRiskInput extends CaseStepInput {
  @Field(() => String, { description: "Why the risk is eliminated." })
  note!: string;

  @Field(() => String, { nullable: true, description: "Day; default today." })
  eliminatedOn?: string | null;
}

@InputType("RecordFollowUpVisitInput", {
  description: "跟踪回访: a visit of an eliminated risk; it settles the earliest due visit.",
})
export class RecordFollowUpVisitInput extends CaseStepInput {
  @Field(() => String, { description: "What the visit found." })
  findings!: string;

  @Field(() => String, { nullable: true, description: "Day of the visit; default today." })
  visitedOn?: string | null;
}

@InputType("CaseFilter", { description: "Which cases." })
export class CaseFilter {
  @Reads()
  @Field(() => String, { nullable: true, description: "Region code prefix (2–12 digits)." })
  regionCode?: string | null;

  @Reads("status")
  @Field(() => [CaseStatus], { nullable: true, description: "Any of these statuses." })
  status?: string[] | null;

  @Reads("source")
  @Field(() => [CaseSource], { nullable: true, description: "Any of these sources." })
  source?: string[] | null;
}
