import { Field, ID, InputType, Int } from "type-graphql";
import {
  Gender,
  HouseholdAttribute,
  LabourCapacity,
  HouseholdStatus,
  PovertyCause,
  RelationToHead,
} from "../../shared/enums.js";

@InputType("NewMemberInput", {
  description:
    "A member as the registry records them (家庭成员). Schooling, health, insurance, disability and assistance are left to their stewards.",
})
export class NewMemberInput {
  @Field(() => String, { description: "Name (姓名)." })
  name!: string;

  @Field(() => String, { description: "Identity number (身份证号): 18 characters, GB 11643 check digit." })
  idNumber!: string;

  @Field(() => Gender, { description: "Gender; must agree with the identity number." })
  gender!: string;

  @Field(() => String, { description: "Birth date (ISO); must agree with the identity number." })
  birthDate!: string;

  @Field(() => RelationToHead, { description: "Relation to the head (与户主关系); exactly one HEAD per household." })
  relation!: string;

  @Field(() => String, { nullable: true, description: "Ethnicity (民族); default 汉族." })
  ethnicity?: string | null;

  @Field(() => LabourCapacity, { description: "Labour capacity (劳动技能)." })
  labourCapacity!: string;
}

@InputType("RegisterHouseholdInput", {
  description: "The registry owner identifies and registers a household (建档立卡) with its members.",
})
export class RegisterHouseholdInput {
  @Field(() => String, { description: "12-digit code of the village (in your scope)." })
  villageCode!: string;

  @Field(() => String, {
    description: "Household number (户编号): the village code followed by 4 to 6 digits, unique.",
  })
  householdNumber!: string;

  @Field(() => String, { description: "Address (住址)." })
  address!: string;

  @Field(() => HouseholdAttribute, { description: "Attribute (贫困户属性)." })
  attribute!: string;

  @Field(() => PovertyCause, { description: "Primary cause of poverty (主要致贫原因)." })
  primaryCause!: string;

  @Field(() => [PovertyCause], { nullable: true, description: "Other causes (其他致贫原因), without the primary one." })
  otherCauses?: string[] | null;

  @Field(() => Int, {
    nullable: true,
    description: "Year of identification (识别年份); default the year of identifiedOn.",
  })
  identifiedYear?: number | null;

  @Field(() => String, {
    nullable: true,
    description: "Date of identification (ISO, not in the future); default today.",
  })
  identifiedOn?: string | null;

  @Field(() => HouseholdStatus, {
    nullable: true,
    description:
      "POOR (建档立卡, the default) or NOT_POOR: a household never registered poor, registered so that a monitoring case can be opened for it (边缘易致贫户, 突发严重困难户). Nobody is registered as monitored: monitoring comes only from a case's county confirmation.",
  })
  status?: string | null;

  @Field(() => [NewMemberInput], { description: "The members, the head among them (exactly one HEAD)." })
  members!: NewMemberInput[];

  @Field(() => String, { description: "Why (recorded in the household's history)." })
  reason!: string;
}

@InputType("RegisterMemberInput", { description: "The registry owner adds a member to a registered household." })
export class RegisterMemberInput {
  @Field(() => ID, { description: "The household." })
  householdId!: string;

  @Field(() => Int, { description: "The household's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => NewMemberInput, { description: "The new member (not a second HEAD)." })
  member!: NewMemberInput;

  @Field(() => String, { description: "Why (recorded in the household's history)." })
  reason!: string;
}

@InputType("RecordLabourInput", {
  description: "The registry owner records a member's labour capacity (employment is human resources').",
})
export class RecordLabourInput {
  @Field(() => ID, { description: "The member." })
  memberId!: string;

  @Field(() => Int, { description: "The member's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => LabourCapacity, { description: "Labour capacity (劳动技能)." })
  labourCapacity!: string;

  @Field(() => String, { description: "Why (recorded in the household's history)." })
  reason!: string;
}

@InputType("AssignHelperInput", {
  description:
    "The registry owner makes a cadre a household's responsible helper (帮扶责任人), ending the current one.",
})
export class AssignHelperInput {
  @Field(() => ID, { description: "The household." })
  householdId!: string;

  @Field(() => Int, { description: "The household's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => ID, { description: "The cadre who becomes the helper." })
  cadreId!: string;

  @Field(() => String, {
    nullable: true,
    description: "When the new helper starts (ISO, not in the future); the current one ends that day. Default today.",
  })
  startedOn?: string | null;

  @Field(() => String, { description: "Why (recorded in the household's history)." })
  reason!: string;
}
