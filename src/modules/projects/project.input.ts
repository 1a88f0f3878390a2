import { Field, ID, InputType, registerEnumType } from "type-graphql";
import { ProjectCategory, ProjectStatus } from "../../shared/enums.js";
import { IntRange } from "../villages/village.input.js";
import { Reads } from "../../access/reads.js";

@InputType("ProjectFilter", { description: "Which projects to list; all conditions must hold." })
export class ProjectFilter {
  @Reads()
  @Field(() => String, {
    nullable: true,
    description: "Only projects in this region subtree (code prefix, e.g. 431221 for a county).",
  })
  regionCode?: string | null;

  @Reads("category")
  @Field(() => [ProjectCategory], { nullable: true, description: "Only projects of one of these categories." })
  category?: string[] | null;

  @Reads("status")
  @Field(() => [ProjectStatus], { nullable: true, description: "Only projects with one of these statuses." })
  status?: string[] | null;

  @Reads("year")
  @Field(() => IntRange, { nullable: true, description: "Only projects of these plan years." })
  year?: IntRange | null;

  @Reads("leadAgency")
  @Field(() => ID, { nullable: true, description: "Only projects led by this agency (牵头单位), by global id." })
  leadAgencyId?: string | null;
}

export enum ProjectOrder {
  ID = "ID",
  YEAR_DESC = "YEAR_DESC",
  CODE = "CODE",
}

registerEnumType(ProjectOrder, {
  name: "ProjectOrder",
  description: "Orders for project lists.",
  valuesConfig: {
    ID: { description: "In order of registration (按登记顺序), the default." },
    YEAR_DESC: { description: "Newest plan year first (按年度降序)." },
    CODE: { description: "By project code (按项目编号)." },
  },
});

/** The fields each ordering reads (access/reads.ts): ordering by a field asks about its values. */
export const PROJECT_ORDER_READS: Record<ProjectOrder, string[]> = {
  ID: ["id"],
  YEAR_DESC: ["year"],
  CODE: ["code"],
};
