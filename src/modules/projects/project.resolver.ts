import { Arg, Args, Ctx, FieldResolver, Float, ID, Int, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../context.js";
import { PageArgs } from "../../shared/pagination.js";
import { Agency } from "../agencies/agency.type.js";
import { Household } from "../households/household.type.js";
import { Village } from "../villages/village.type.js";
import { projectAssets } from "./asset.service.js";
import { Asset } from "./asset.type.js";
import { ProjectFilter, ProjectOrder, PROJECT_ORDER_READS } from "./project.input.js";
import * as projects from "./project.service.js";
import { Project, ProjectConnection, ProjectFund, type ProjectRow } from "./project.type.js";
import { MAX_ASSETS_PER_PROJECT } from "./asset.loader.js";
import { ListSize } from "../../shared/list-size.js";
import { ArgumentReads } from "../../access/reads.js";

@Resolver(() => Project)
export class ProjectResolver {
  @ArgumentReads({ id: [] })
  @Query(() => Project, { nullable: true, description: "A project by id; null if unknown or out of your scope." })
  project(@Ctx() ctx: Context, @Arg("id", () => ID) id: string) {
    return projects.getProject(ctx, id);
  }

  @ArgumentReads({ orderBy: PROJECT_ORDER_READS })
  @Query(() => ProjectConnection, { description: "Projects (扶贫项目), a keyset-paginated page at a time." })
  projects(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) args: PageArgs,
    @Arg("filter", () => ProjectFilter, { nullable: true }) filter?: ProjectFilter,
    @Arg("orderBy", () => ProjectOrder, { nullable: true, defaultValue: ProjectOrder.ID }) orderBy?: ProjectOrder,
  ) {
    return projects.listProjects(ctx, filter ?? {}, orderBy, args);
  }

  @ListSize(10)
  @FieldResolver(() => [ProjectFund], { description: "Funds by source (资金来源)." })
  funds(@Root() project: ProjectRow, @Ctx() ctx: Context) {
    return projects.projectFunds(ctx, project);
  }

  @FieldResolver(() => Float, { description: "Total funds of all sources in yuan (资金总额, 元)." })
  totalFunds(@Root() project: ProjectRow, @Ctx() ctx: Context) {
    return projects.totalFunds(ctx, project);
  }

  @FieldResolver(() => Agency, { nullable: true, description: "The lead agency (牵头单位)." })
  leadAgency(@Root() project: ProjectRow, @Ctx() ctx: Context) {
    return projects.leadAgency(ctx, project);
  }

  @ListSize(20)
  @FieldResolver(() => [Agency], { description: "Co-operating agencies (协办单位), by name." })
  coAgencies(@Root() project: ProjectRow, @Ctx() ctx: Context) {
    return projects.coAgencies(ctx, project);
  }

  @FieldResolver(() => [Household], {
    description: `Beneficiary households (受益户) in your scope, in id order: the first \`first\` (at most ${projects.MAX_BENEFICIARIES}).`,
  })
  beneficiaries(
    @Root() project: ProjectRow,
    @Ctx() ctx: Context,
    @Arg("first", () => Int, {
      defaultValue: projects.DEFAULT_BENEFICIARIES,
      description: `How many households (0–${projects.MAX_BENEFICIARIES}).`,
    })
    first: number,
  ) {
    return projects.beneficiaries(ctx, project, first);
  }

  @FieldResolver(() => Int, {
    description:
      "How many beneficiary households (受益户数) are in your scope; a multiple of 5 where your department may not read households (README, Published counts).",
  })
  beneficiaryCount(@Root() project: ProjectRow, @Ctx() ctx: Context) {
    return projects.beneficiaryCount(ctx, project);
  }

  @ListSize(MAX_ASSETS_PER_PROJECT)
  @FieldResolver(() => [Asset], { description: "Assets the project formed (形成资产), in id order, at most 500." })
  assets(@Root() project: ProjectRow, @Ctx() ctx: Context) {
    return projectAssets(ctx, project);
  }

  @FieldResolver(() => Village, {
    nullable: true,
    description: "The village the project is in; null for wider projects.",
  })
  village(@Root() project: ProjectRow, @Ctx() ctx: Context) {
    return projects.projectVillage(ctx, project);
  }
}
