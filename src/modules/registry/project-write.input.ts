import { Field, Float, ID, InputType, Int } from "type-graphql";
import { FundSource, ProjectCategory, ProjectStatus } from "../../shared/enums.js";

@InputType("ProjectFundInput", { description: "Funds of one source (资金来源): each source at most once." })
export class ProjectFundInput {
  @Field(() => FundSource, { description: "Source of the funds." })
  source!: string;

  @Field(() => Float, { description: "Amount in yuan, more than 0." })
  amount!: number;
}

@InputType("CreateProjectInput", {
  description: "The registry owner creates a project (扶贫项目) with its funds and beneficiaries.",
})
export class CreateProjectInput {
  @Field(() => String, { description: "Project code (项目编号), unique." })
  code!: string;

  @Field(() => String, { description: "Name (项目名称)." })
  name!: string;

  @Field(() => ProjectCategory, { description: "Category (项目类别)." })
  category!: string;

  @Field(() => ID, { nullable: true, description: "The village it serves (in your scope); or give regionCode." })
  villageId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "12-digit code of the township or county it serves, when it serves no single village.",
  })
  regionCode?: string | null;

  @Field(() => Int, { description: "Plan year (年度), 2013 to next year." })
  year!: number;

  @Field(() => ProjectStatus, { nullable: true, description: "Status; default PLANNED." })
  status?: string | null;

  @Field(() => ID, { description: "Lead agency (牵头单位)." })
  leadAgencyId!: string;

  @Field(() => [ID], { nullable: true, description: "Co-agencies (协作单位)." })
  coAgencyIds?: string[] | null;

  @Field(() => String, { nullable: true, description: "Start date (ISO); required once in progress." })
  startDate?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Completion date (ISO, not before the start, not in the future).",
  })
  endDate?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "When the public notice (公示) was posted (ISO, not in the future).",
  })
  noticePublishedOn?: string | null;

  @Field(() => String, { nullable: true, description: "Where the public notice was posted." })
  noticePlace?: string | null;

  @Field(() => [ProjectFundInput], { description: "Funds by source." })
  funds!: ProjectFundInput[];

  @Field(() => [ID], { nullable: true, description: "Beneficiary households (in your scope)." })
  beneficiaryIds?: string[] | null;
}

@InputType("UpdateProjectInput", {
  description: "The registry owner updates a project: status (forward only), dates, notice, funds, beneficiaries.",
})
export class UpdateProjectInput {
  @Field(() => ID, { description: "The project." })
  projectId!: string;

  @Field(() => Int, { description: "The project's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => String, { nullable: true, description: "Name." })
  name?: string | null;

  @Field(() => ProjectStatus, {
    nullable: true,
    description: "Status: PLANNED → APPROVED → IN_PROGRESS → COMPLETED → ACCEPTED, never back.",
  })
  status?: string | null;

  @Field(() => String, { nullable: true, description: "Start date (ISO)." })
  startDate?: string | null;

  @Field(() => String, { nullable: true, description: "Completion date (ISO, not in the future)." })
  endDate?: string | null;

  @Field(() => String, { nullable: true, description: "When the public notice was posted (ISO, not in the future)." })
  noticePublishedOn?: string | null;

  @Field(() => String, { nullable: true, description: "Where the public notice was posted." })
  noticePlace?: string | null;

  @Field(() => [ProjectFundInput], { nullable: true, description: "The funds, replacing all the current ones." })
  funds?: ProjectFundInput[] | null;

  @Field(() => [ID], { nullable: true, description: "Households to add as beneficiaries (in your scope)." })
  addBeneficiaryIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: "Households to remove from the beneficiaries." })
  removeBeneficiaryIds?: string[] | null;
}
