import { Field, InputType, registerEnumType } from "type-graphql";
import { Gender, HealthStatus, RelationToHead, SchoolingStatus } from "../../shared/enums.js";
import { IntRange } from "../villages/village.input.js";
import { Reads } from "../../access/reads.js";

@InputType("MemberFilter", { description: "Which household members to list; all conditions must hold." })
export class MemberFilter {
  @Reads()
  @Field(() => String, { nullable: true, description: "Only members under this region code prefix (e.g. 431221)." })
  regionCode?: string | null;

  @Reads("birthDate")
  @Field(() => IntRange, {
    nullable: true,
    description: "Only members whose age today is in this range of years (e.g. 6–15).",
  })
  ageRange?: IntRange | null;

  @Reads("gender")
  @Field(() => Gender, { nullable: true, description: "Only members of this gender." })
  gender?: string | null;

  @Reads("schoolingStatus")
  @Field(() => [SchoolingStatus], { nullable: true, description: "Only members with one of these schooling statuses." })
  schoolingStatus?: string[] | null;

  @Reads("healthStatus")
  @Field(() => [HealthStatus], { nullable: true, description: "Only members with one of these health statuses." })
  healthStatus?: string[] | null;

  @Reads("relation")
  @Field(() => [RelationToHead], {
    nullable: true,
    description: "Only members with one of these relations to the head.",
  })
  relation?: string[] | null;

  @Reads("hasBasicMedicalInsurance")
  @Field(() => Boolean, {
    nullable: true,
    description: "Only members with (true) or without (false) basic medical insurance.",
  })
  hasBasicMedicalInsurance?: boolean | null;

  @Reads("disabilityType")
  @Field(() => Boolean, {
    nullable: true,
    description: "Only members with (true) or without (false) a recorded disability.",
  })
  disabled?: boolean | null;
}

export enum MemberOrder {
  ID = "ID",
  BIRTH_DATE = "BIRTH_DATE",
}

registerEnumType(MemberOrder, {
  name: "MemberOrder",
  description: "Orders for member lists.",
  valuesConfig: {
    ID: { description: "By registration order (按登记顺序), the default." },
    BIRTH_DATE: { description: "Oldest first, by birth date (按出生日期)." },
  },
});

/** The fields each ordering reads (access/reads.ts): ordering by a field asks about its values. */
export const MEMBER_ORDER_READS: Record<MemberOrder, string[]> = {
  ID: ["id"],
  BIRTH_DATE: ["birthDate"],
};
