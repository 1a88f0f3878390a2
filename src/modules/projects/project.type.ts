import { Directive, Field, Float, ID, Int, ObjectType } from "type-graphql";
import { FundSource, ProjectCategory, ProjectStatus } from "../../shared/enums.js";
import { NodeInterface } from "../../shared/node.js";
import { connectionType } from "../../shared/pagination.js";

@Directive('@key(fields: "id")')
@ObjectType("Project", {
  implements: NodeInterface,
  description: "A poverty-alleviation project (扶贫项目): what was built or done, where, with whose money.",
})
export class Project {
  @Field(() => ID, { description: "Global id (also the federation key)." })
  id!: string;

  @Field(() => String, { description: "Project code (项目编号), unique." })
  code!: string;

  @Field(() => String, { description: "Name (项目名称)." })
  name!: string;

  @Field(() => ProjectCategory, { description: "Category (项目类别)." })
  category!: string;

  @Field(() => String, {
    description: "12-digit code of the region the project serves: its village, or a township or county (实施地点).",
  })
  regionCode!: string;

  @Field(() => Int, { description: "Plan year (年度)." })
  year!: number;

  @Field(() => ProjectStatus, { description: "Status (项目状态)." })
  status!: string;

  @Field(() => String, { nullable: true, description: "Start date (开工日期), ISO date YYYY-MM-DD." })
  startDate!: string | null;

  @Field(() => String, { nullable: true, description: "Completion date (完工日期), ISO date YYYY-MM-DD." })
  endDate!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "When the public notice was published (公告公示日期), ISO date YYYY-MM-DD.",
  })
  noticePublishedOn!: string | null;

  @Field(() => String, { nullable: true, description: "Where the public notice was posted (公示地点)." })
  noticePlace!: string | null;

  @Field(() => Int, { description: "Row version, bumped by every write (optimistic concurrency)." })
  version!: number;
}

@ObjectType("ProjectFund", { description: "Money put into a project from one source (资金来源及金额)." })
export class ProjectFund {
  @Field(() => FundSource, { description: "Source of the funds (资金来源)." })
  source!: string;

  @Field(() => Float, { description: "Amount in yuan (金额, 元)." })
  amount!: number;
}

export const ProjectConnection = connectionType(Project, "Project", "project");

export interface ProjectRow {
  id: string;
  rowId: number;
  code: string;
  regionCode: string;
  villageId: number | null;
  leadAgencyId: number;
  year: number;
}

export interface ProjectFundRow {
  projectId: number;
  source: string;
  amount: number;
}
