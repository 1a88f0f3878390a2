import { Field, ID, InputType, Int } from "type-graphql";
import { AgencyKind, AgencyLevel, AgencyVillageKind, CadreVillageRole } from "../../shared/enums.js";

@InputType("CreateAgencyInput", { description: "The registry owner registers a helping agency (帮扶单位)." })
export class CreateAgencyInput {
  @Field(() => String, { description: "Name (单位名称), unique." })
  name!: string;

  @Field(() => AgencyKind, { description: "Kind of agency." })
  kind!: string;

  @Field(() => AgencyLevel, { description: "Administrative level." })
  level!: string;

  @Field(() => String, {
    nullable: true,
    description: "12-digit code of its region (in your scope); only a city-wide officer may leave it out.",
  })
  regionCode?: string | null;
}

@InputType("UpdateAgencyInput", { description: "The registry owner corrects an agency's name, kind, level or region." })
export class UpdateAgencyInput {
  @Field(() => ID, { description: "The agency." })
  agencyId!: string;

  @Field(() => Int, { description: "The agency's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => String, { nullable: true, description: "Name, unique." })
  name?: string | null;

  @Field(() => AgencyKind, { nullable: true, description: "Kind of agency." })
  kind?: string | null;

  @Field(() => AgencyLevel, { nullable: true, description: "Administrative level." })
  level?: string | null;

  @Field(() => String, { nullable: true, description: "12-digit code of its region (in your scope)." })
  regionCode?: string | null;
}

@InputType("AssignVillageCadreInput", {
  description:
    "The registry owner posts a cadre to a village as first secretary (第一书记, replacing the current one) or work-team member.",
})
export class AssignVillageCadreInput {
  @Field(() => ID, { description: "The village (in your scope)." })
  villageId!: string;

  @Field(() => Int, { description: "The village's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => ID, { description: "The cadre." })
  cadreId!: string;

  @Field(() => CadreVillageRole, { description: "The post." })
  role!: string;

  @Field(() => String, { nullable: true, description: "When the post starts (ISO, not in the future); default today." })
  startedOn?: string | null;
}

@InputType("AssignAgencyToVillageInput", {
  description: "The registry owner pairs an agency with a village (定点帮扶 / 东西部协作).",
})
export class AssignAgencyToVillageInput {
  @Field(() => ID, { description: "The village (in your scope)." })
  villageId!: string;

  @Field(() => Int, { description: "The village's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => ID, { description: "The agency." })
  agencyId!: string;

  @Field(() => AgencyVillageKind, { description: "How the agency helps the village." })
  kind!: string;

  @Field(() => String, {
    nullable: true,
    description: "When the pairing starts (ISO, not in the future); default today.",
  })
  startedOn?: string | null;
}
