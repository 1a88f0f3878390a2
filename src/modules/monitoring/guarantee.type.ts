import { Field, Int, ObjectType, registerEnumType } from "type-graphql";

/** The status of one of the two assurances and three guarantees (两不愁三保障). */
export const GuaranteeStatus = {
  MET: "MET",
  UNMET: "UNMET",
  UNKNOWN: "UNKNOWN",
} as const;
export type GuaranteeStatus = (typeof GuaranteeStatus)[keyof typeof GuaranteeStatus];

registerEnumType(GuaranteeStatus, {
  name: "GuaranteeStatus",
  description: "Whether a guarantee of 两不愁三保障 is met, from the data the departments supply.",
  valuesConfig: {
    MET: { description: "已达标 Met." },
    UNMET: { description: "未达标 Not met." },
    UNKNOWN: { description: "未知 Unknown: the department has not supplied the data." },
  },
});

/** The five items of 两不愁三保障, for filtering. */
export const GuaranteeItemKind = {
  FOOD_AND_CLOTHING: "FOOD_AND_CLOTHING",
  COMPULSORY_EDUCATION: "COMPULSORY_EDUCATION",
  BASIC_MEDICAL_CARE: "BASIC_MEDICAL_CARE",
  HOUSING_SAFETY: "HOUSING_SAFETY",
  SAFE_DRINKING_WATER: "SAFE_DRINKING_WATER",
} as const;
export type GuaranteeItemKind = (typeof GuaranteeItemKind)[keyof typeof GuaranteeItemKind];

registerEnumType(GuaranteeItemKind, {
  name: "GuaranteeItemKind",
  description: "One item of the two assurances and three guarantees (两不愁三保障).",
  valuesConfig: {
    FOOD_AND_CLOTHING: {
      description: "不愁吃、不愁穿 Food and clothing: income at or above the monitoring threshold.",
    },
    COMPULSORY_EDUCATION: { description: "义务教育有保障 Compulsory education: no member aged 6–15 out of school." },
    BASIC_MEDICAL_CARE: { description: "基本医疗有保障 Basic medical care: every member insured." },
    HOUSING_SAFETY: { description: "住房安全有保障 Housing safety: grade A/B, or renovated since the last C/D grade." },
    SAFE_DRINKING_WATER: { description: "饮水安全有保障 Safe drinking water." },
  },
});

@ObjectType("GuaranteeItem", {
  description: "One item of 两不愁三保障: its status, the data behind it and who supplied them.",
})
export class GuaranteeItem {
  @Field(() => GuaranteeStatus, { description: "已达标 / 未达标 / 未知." })
  status!: GuaranteeStatus;

  @Field(() => String, { description: "The data behind the status, human-readable (never a name or identity number)." })
  basis!: string;

  @Field(() => String, { description: "Code of the department that supplies the data: the steward the policy names." })
  suppliedBy!: string;

  @Field(() => Int, { nullable: true, description: "The year the data refer to, where they are yearly." })
  year!: number | null;
}

@ObjectType("Guarantees", {
  description:
    "A household's two assurances and three guarantees (两不愁三保障), computed from what each department supplies.",
})
export class Guarantees {
  @Field(() => GuaranteeItem, {
    description: "不愁吃、不愁穿: latest per-capita net income against that year's threshold.",
  })
  foodAndClothing!: GuaranteeItem;

  @Field(() => GuaranteeItem, {
    description:
      "义务教育有保障: no member aged 6–15 (as of today) has dropped out (an exempt child — 送教上门 / 因身体原因 — is not a dropout).",
  })
  compulsoryEducation!: GuaranteeItem;

  @Field(() => GuaranteeItem, { description: "基本医疗有保障: every member has basic medical insurance." })
  basicMedicalCare!: GuaranteeItem;

  @Field(() => GuaranteeItem, {
    description: "住房安全有保障: housing grade A or B, or renovated and not graded C or D in a later year.",
  })
  housingSafety!: GuaranteeItem;

  @Field(() => GuaranteeItem, { description: "饮水安全有保障: drinking water assessed safe." })
  safeDrinkingWater!: GuaranteeItem;

  @Field(() => Boolean, { description: "At least one item is UNMET (未达标)." })
  anyUnmet!: boolean;
}

/** The household columns the guarantees need, fetched by the monitoring module itself. */
export interface GuaranteeHouseholdFacts {
  id: number;
  housingGrade: string | null;
  housingRenovated: boolean;
  housingRenovationYear: number | null;
  housingAssessedOn: string | null;
  drinkingWaterSafe: boolean | null;
}

/** Only what the guarantees need of a member: no name, no identity number. */
export interface GuaranteeMemberFacts {
  householdId: number;
  birthDate: string;
  schoolingStatus: string;
  hasBasicMedicalInsurance: boolean;
}

export interface GuaranteeIncomeFacts {
  householdId: number;
  year: number;
  perCapitaNetIncome: number;
  /** The monitoring line of that year for the household's village (monitoring_standards); null when none. */
  line: number | null;
}
