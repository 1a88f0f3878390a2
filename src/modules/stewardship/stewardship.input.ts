import { Field, Float, ID, InputType, Int, registerEnumType } from "type-graphql";
import {
  DisabilityType,
  EducationLevel,
  HealthStatus,
  EmploymentKind,
  HousingGrade,
  HousingPriority,
  InsuranceSubsidyCategory,
  SchoolingStatus,
} from "../../shared/enums.js";

@InputType("RecordSchoolingInput", {
  description:
    "Education records a member's schooling (enrolled, dropped out, returned, or exempt: 送教上门 / 因身体原因).",
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

  @Field(() => String, {
    nullable: true,
    description:
      "Required with HOME_TAUGHT or EXEMPT_FOR_HEALTH: the evidence (e.g. 县残疾人教育专家委员会评估意见 2024-03). Cleared by any other status.",
  })
  schoolingExemptionEvidence?: string | null;

  @Field(() => String, { description: "Why (recorded in the household's history)." })
  reason!: string;
}

@InputType("RecordHealthInput", {
  description: "Health records a member's health status and family-doctor contract.",
})
export class RecordHealthInput {
  @Field(() => ID, { description: "The member." })
  memberId!: string;

  @Field(() => Int, { description: "The member's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => HealthStatus, { nullable: true, description: "Health status." })
  healthStatus?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Has a contracted family doctor (家庭医生签约)." })
  hasFamilyDoctorContract?: boolean | null;

  @Field(() => String, { description: "Why (recorded in the household's history)." })
  reason!: string;
}

@InputType("RecordMedicalInsuranceInput", {
  description:
    "Medical insurance records a member's enrolment, premium subsidy, reimbursement and out-of-pocket expense.",
})
export class RecordMedicalInsuranceInput {
  @Field(() => ID, { description: "The member." })
  memberId!: string;

  @Field(() => Int, { description: "The member's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => Boolean, { nullable: true, description: "Enrolled in basic medical insurance (基本医疗保险)." })
  hasBasicMedicalInsurance?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Enrolled in serious-illness insurance (大病保险)." })
  hasSeriousIllnessInsurance?: boolean | null;

  @Field(() => InsuranceSubsidyCategory, { nullable: true, description: "Premium subsidy category (分类资助)." })
  insuranceSubsidyCategory?: string | null;

  @Field(() => Float, {
    nullable: true,
    description: "Reimbursed this year, yuan (≥ 0; 基本医保、大病保险、医疗救助); give the year with it.",
  })
  medicalExpenseReimbursed?: number | null;

  @Field(() => Float, { nullable: true, description: "Out-of-pocket medical expense this year, yuan (≥ 0)." })
  medicalExpenseOutOfPocket?: number | null;

  @Field(() => Int, { nullable: true, description: "The year of those amounts (not in the future)." })
  medicalExpenseYear?: number | null;

  @Field(() => String, { description: "Why (recorded in the household's history)." })
  reason!: string;
}

@InputType("RecordEmploymentInput", {
  description: "Human resources records a member's employment, training and public-welfare job (农村劳动力实名制).",
})
export class RecordEmploymentInput {
  @Field(() => ID, { description: "The member." })
  memberId!: string;

  @Field(() => Int, { description: "The member's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => EmploymentKind, { nullable: true, description: "Employment (务工情况)." })
  employment?: string | null;

  @Field(() => String, { nullable: true, description: "Where they work (务工地点)." })
  employmentPlace?: string | null;

  @Field(() => Int, { nullable: true, description: "Months worked this year, 0–12." })
  employmentMonths?: number | null;

  @Field(() => Boolean, { nullable: true, description: "Has had vocational skills training (职业技能培训)." })
  hasVocationalTraining?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Holds a rural public-welfare job (乡村公益岗位)." })
  hasPublicWelfareJob?: boolean | null;

  @Field(() => String, { description: "Why (recorded in the household's history)." })
  reason!: string;
}

@InputType("RecordPensionInput", {
  description: "Human resources records a member's pension insurance and whether the government pays the premium.",
})
export class RecordPensionInput {
  @Field(() => ID, { description: "The member." })
  memberId!: string;

  @Field(() => Int, { description: "The member's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => Boolean, { nullable: true, description: "Enrolled in basic pension insurance (城乡居民基本养老保险)." })
  hasPensionInsurance?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "The government pays the premium (代缴); only for an enrolled member.",
  })
  pensionPremiumPaidByGovernment?: boolean | null;

  @Field(() => String, { description: "Why (recorded in the household's history)." })
  reason!: string;
}

@InputType("RecordDisabilityInput", {
  description: "The disabled persons' federation records a disability, its certificate and the two allowances.",
})
export class RecordDisabilityInput {
  @Field(() => ID, { description: "The member." })
  memberId!: string;

  @Field(() => Int, { description: "The member's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => DisabilityType, { nullable: true, description: "Disability type; give the grade with it." })
  disabilityType?: string | null;

  @Field(() => Int, { nullable: true, description: "Disability grade 1–4; give the type with it." })
  disabilityGrade?: number | null;

  @Field(() => Boolean, { nullable: true, description: "True to record that the member has no disability." })
  clearDisability?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Holds a disability certificate (残疾人证)." })
  hasDisabilityCertificate?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "Receives the living allowance for disabled people in hardship (困难残疾人生活补贴).",
  })
  receivesDisabilityLivingAllowance?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "Receives the nursing allowance for severely disabled people (重度残疾人护理补贴).",
  })
  receivesDisabilityNursingAllowance?: boolean | null;

  @Field(() => String, { description: "Why (recorded in the household's history)." })
  reason!: string;
}

@InputType("RecordDrinkingWaterInput", {
  description: "Water resources records whether a household's drinking water is safe.",
})
export class RecordDrinkingWaterInput {
  @Field(() => ID, { description: "The household." })
  householdId!: string;

  @Field(() => Int, { description: "The household's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => Boolean, { description: "Drinking water safe (饮水安全: quantity, quality, convenience, supply)." })
  drinkingWaterSafe!: boolean;

  @Field(() => String, { description: "Why (recorded in the household's history), e.g. 水质检测合格." })
  reason!: string;
}

@InputType("RecordVillageWaterInput", { description: "Water resources records a village's water supply." })
export class RecordVillageWaterInput {
  @Field(() => ID, { description: "The village." })
  villageId!: string;

  @Field(() => Int, { description: "The village's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => Boolean, { nullable: true, description: "Has tap water (通自来水)." })
  hasTapWater?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "The village's drinking water is safe (饮水安全)." })
  drinkingWaterSafe?: boolean | null;

  @Field(() => String, { nullable: true, description: "Why (recorded in the village's history)." })
  reason?: string | null;
}

@InputType("RecordAssistanceInput", {
  description: "Civil affairs records 低保 / 特困 assistance.",
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

  @Field(() => String, { description: "Why (recorded in the household's history)." })
  reason!: string;
}

@InputType("RecordHousingAssessmentInput", {
  description: "Housing records a house assessment (grade A–D), a renovation and the priority category.",
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

  @Field(() => HousingPriority, {
    nullable: true,
    description: "Priority category for renovation (危房改造四类重点对象).",
  })
  housingPriority?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "True to record that the household is in no priority category.",
  })
  clearHousingPriority?: boolean | null;

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
  RETURN_TO_POVERTY = "RETURN_TO_POVERTY",
  PLACE_UNDER_MONITORING = "PLACE_UNDER_MONITORING",
  ELIMINATE_RISK = "ELIMINATE_RISK",
}

registerEnumType(StatusAction, {
  name: "StatusAction",
  description:
    "A change of a household's poverty status (动态管理). Monitoring is not one: a household is placed under monitoring and its risk eliminated only through a monitoring case (confirmCase, eliminateRisk).",
  valuesConfig: {
    EXIT: { description: "脱贫 Exit poverty (from POOR, RETURNED or NEWLY_POOR) → EXITED." },
    RETURN_TO_POVERTY: {
      description:
        "Fall into poverty (from EXITED or NOT_POOR): 返贫 → RETURNED for a household that had exited, 致贫 → NEWLY_POOR for one never registered poor.",
    },
    PLACE_UNDER_MONITORING: {
      description: "Refused (input error INVALID_TRANSITION on `action`): monitoring goes through a monitoring case.",
      deprecationReason: "Open a monitoring case and confirm it (openMonitoringCase … confirmCase).",
    },
    ELIMINATE_RISK: {
      description: "Refused (input error INVALID_TRANSITION on `action`): a risk is eliminated on its monitoring case.",
      deprecationReason: "Use eliminateRisk on the household's monitoring case.",
    },
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

  @Field(() => String, {
    nullable: true,
    description: "When it happened (ISO date, not in the future); default today.",
  })
  occurredOn?: string | null;

  @Field(() => String, { description: "Why (recorded in the household's history)." })
  reason!: string;
}
