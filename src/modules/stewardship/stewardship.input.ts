import { Field, Float, ID, InputType, Int, registerEnumType } from "type-graphql";
import {
  DisabilityType,
  EducationLevel,
  HealthStatus,
  HousingGrade,
  MonitoringType,
  SchoolingStatus,
} from "../../shared/enums.js";

@InputType("RecordSchoolingInput", {
  description: "Education records a member's schooling (enrolled, dropped out, returned).",
})
export class RecordSchoolingInput {
  @Field(() => ID, { description: "The member." })
  memberId!: string;

  @Field(() => Int, { description: "The member's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => SchoolingStatus, { description: "Schooling status (在校 / 辍学 / …)." })
  schoolingStatus!: string;

  @Field(() => EducationLevel, { nullable: true, description: "Education level, if it changed." })
  educationLevel?: string | null;

  @Field(() => String, { nullable: true, description: "School name." })
  school?: string | null;

  @Field(() => String, { description: "Why (recorded in the household's history)." })
  reason!: string;
}

@InputType("RecordHealthInput", {
  description: "Health records insurance enrolment, health status, family-doctor contract and medical expense.",
})
export class RecordHealthInput {
  @Field(() => ID, { description: "The member." })
  memberId!: string;

  @Field(() => Int, { description: "The member's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => HealthStatus, { nullable: true, description: "Health status." })
  healthStatus?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Enrolled in basic medical insurance (基本医疗保险)." })
  hasBasicMedicalInsurance?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Enrolled in serious-illness insurance (大病保险)." })
  hasSeriousIllnessInsurance?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Enrolled in pension insurance (养老保险)." })
  hasPensionInsurance?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Has a contracted family doctor (家庭医生签约)." })
  hasFamilyDoctorContract?: boolean | null;

  @Field(() => Float, { nullable: true, description: "Out-of-pocket medical expense this year, yuan (≥ 0)." })
  medicalExpenseOutOfPocket?: number | null;

  @Field(() => Int, { nullable: true, description: "The year of that expense (not in the future)." })
  medicalExpenseYear?: number | null;

  @Field(() => String, { description: "Why (recorded in the household's history)." })
  reason!: string;
}

@InputType("RecordAssistanceInput", {
  description: "Civil affairs records 低保 / 特困 assistance and disability.",
})
export class RecordAssistanceInput {
  @Field(() => ID, { description: "The member." })
  memberId!: string;

  @Field(() => Int, { description: "The member's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => Boolean, { nullable: true, description: "Receives the minimum living allowance (低保)." })
  receivesLowIncomeAllowance?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Receives extreme-poverty support (特困供养)." })
  receivesExtremePovertySupport?: boolean | null;

  @Field(() => DisabilityType, { nullable: true, description: "Disability type; give the grade with it." })
  disabilityType?: string | null;

  @Field(() => Int, { nullable: true, description: "Disability grade 1–4; give the type with it." })
  disabilityGrade?: number | null;

  @Field(() => Boolean, { nullable: true, description: "True to record that the member has no disability." })
  clearDisability?: boolean | null;

  @Field(() => String, { description: "Why (recorded in the household's history)." })
  reason!: string;
}

@InputType("RecordHousingAssessmentInput", {
  description: "Housing records a house assessment (grade A–D) and a renovation.",
})
export class RecordHousingAssessmentInput {
  @Field(() => ID, { description: "The household." })
  householdId!: string;

  @Field(() => Int, { description: "The household's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => HousingGrade, { nullable: true, description: "Safety grade found by the assessment." })
  housingGrade?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Date of the assessment (ISO, not in the future); required with a grade.",
  })
  housingAssessedOn?: string | null;

  @Field(() => Boolean, { nullable: true, description: "The house has been renovated (危房改造完成)." })
  housingRenovated?: boolean | null;

  @Field(() => Int, { nullable: true, description: "Year of the renovation; required when renovated." })
  housingRenovationYear?: number | null;

  @Field(() => String, { description: "Why (recorded in the household's history)." })
  reason!: string;
}

@InputType("RecordVillageRoadInput", { description: "Transport records a village's road and bus service." })
export class RecordVillageRoadInput {
  @Field(() => ID, { description: "The village." })
  villageId!: string;

  @Field(() => Int, { description: "The village's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => Boolean, { nullable: true, description: "Reached by a hardened road (通硬化路)." })
  hasHardenedRoad?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Served by a passenger bus (通客运)." })
  hasBusService?: boolean | null;

  @Field(() => Float, { nullable: true, description: "Distance to the township seat, km (0–500)." })
  distanceToTownshipKm?: number | null;

  @Field(() => String, {
    nullable: true,
    description: "Why (recorded in the village's history), e.g. 通村公路竣工验收.",
  })
  reason?: string | null;
}

export enum StatusAction {
  EXIT = "EXIT",
  PLACE_UNDER_MONITORING = "PLACE_UNDER_MONITORING",
  RETURN_TO_POVERTY = "RETURN_TO_POVERTY",
  ELIMINATE_RISK = "ELIMINATE_RISK",
}

registerEnumType(StatusAction, {
  name: "StatusAction",
  description: "A change of a household's poverty status (动态管理).",
  valuesConfig: {
    EXIT: { description: "脱贫 Exit poverty (from POOR or RETURNED)." },
    PLACE_UNDER_MONITORING: { description: "纳入监测 Place under monitoring (from EXITED or POOR)." },
    RETURN_TO_POVERTY: { description: "返贫 Return to poverty (from EXITED or MONITORED)." },
    ELIMINATE_RISK: { description: "风险消除 Risk eliminated: monitoring ends (from MONITORED)." },
  },
});

@InputType("ChangeHouseholdStatusInput", {
  description: "The registry owner records a household's status change, with a reason and a date.",
})
export class ChangeHouseholdStatusInput {
  @Field(() => ID, { description: "The household." })
  householdId!: string;

  @Field(() => Int, { description: "The household's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => StatusAction, { description: "What happened." })
  action!: string;

  @Field(() => MonitoringType, { nullable: true, description: "Required when placing under monitoring." })
  monitoringType?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "When it happened (ISO date, not in the future); default today.",
  })
  occurredOn?: string | null;

  @Field(() => String, { description: "Why (recorded in the household's history)." })
  reason!: string;
}
