import { Field, InputType, registerEnumType } from "type-graphql";
import {
  HouseholdAttribute,
  HouseholdStatus,
  HousingGrade,
  MonitoringStatus,
  MonitoringType,
  PovertyCause,
} from "../../shared/enums.js";
import { IntRange } from "../villages/village.input.js";
import { Reads } from "../../access/reads.js";

@InputType("HouseholdFilter", { description: "Which households to list; all conditions must hold." })
export class HouseholdFilter {
  @Reads()
  @Field(() => String, { nullable: true, description: "Only households under this region code prefix (e.g. 431221)." })
  regionCode?: string | null;

  @Reads("status")
  @Field(() => [HouseholdStatus], {
    nullable: true,
    description: "Only households with one of these poverty statuses.",
  })
  status?: string[] | null;

  @Reads("attribute")
  @Field(() => [HouseholdAttribute], { nullable: true, description: "Only households with one of these attributes." })
  attribute?: string[] | null;

  @Reads("primaryCause")
  @Field(() => [PovertyCause], { nullable: true, description: "Only households whose primary cause is one of these." })
  primaryCause?: string[] | null;

  @Reads("primaryCause", "otherCauses")
  @Field(() => [PovertyCause], {
    nullable: true,
    description: "Only households with one of these as primary or other cause.",
  })
  anyCause?: string[] | null;

  @Reads("identifiedYear")
  @Field(() => IntRange, { nullable: true, description: "Only households identified in these years." })
  identifiedYear?: IntRange | null;

  @Reads("exitedYear")
  @Field(() => IntRange, { nullable: true, description: "Only households that exited in these years." })
  exitedYear?: IntRange | null;

  @Reads("monitoringStatus")
  @Field(() => [MonitoringStatus], {
    nullable: true,
    description: "Only households with one of these monitoring statuses (e.g. [MONITORED]).",
  })
  monitoringStatus?: string[] | null;

  @Reads("monitoringType")
  @Field(() => [MonitoringType], {
    nullable: true,
    description: "Only households monitored (now, or until their risk was eliminated) as one of these types.",
  })
  monitoringType?: string[] | null;

  @Reads("housingGrade")
  @Field(() => [HousingGrade], { nullable: true, description: "Only households with one of these housing grades." })
  housingGrade?: string[] | null;

  @Reads("relocated")
  @Field(() => Boolean, { nullable: true, description: "Only relocated (true) or not relocated (false) households." })
  relocated?: boolean | null;
}

export enum HouseholdOrder {
  ID = "ID",
  HOUSEHOLD_NUMBER = "HOUSEHOLD_NUMBER",
  IDENTIFIED_YEAR = "IDENTIFIED_YEAR",
}

registerEnumType(HouseholdOrder, {
  name: "HouseholdOrder",
  description: "Orders for household lists.",
  valuesConfig: {
    ID: { description: "By registration order (按登记顺序), the default." },
    HOUSEHOLD_NUMBER: { description: "By household number (按户编号)." },
    IDENTIFIED_YEAR: { description: "By year of identification (按识别年份)." },
  },
});

/** The fields each ordering reads (access/reads.ts): ordering by a field asks about its values. */
export const HOUSEHOLD_ORDER_READS: Record<HouseholdOrder, string[]> = {
  ID: ["id"],
  HOUSEHOLD_NUMBER: ["householdNumber"],
  IDENTIFIED_YEAR: ["identifiedYear"],
};
