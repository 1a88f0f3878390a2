import { Arg, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../../context.js";
import { AssetKind } from "../../shared/enums.js";
import { Agency, type AgencyRow } from "../agencies/agency.type.js";
import { Household, type HouseholdRow } from "../households/household.type.js";
import { Village, type VillageRow } from "../villages/village.type.js";
import { householdAssets, villageAssets } from "./asset.service.js";
import { Asset } from "./asset.type.js";
import { agencyProjectsLed, householdProjects, villageProjects } from "./project.service.js";
import { Project } from "./project.type.js";
import { MAX_ASSETS_PER_HOUSEHOLD, MAX_ASSETS_PER_VILLAGE } from "./asset.loader.js";
import { MAX_PROJECTS_PER_AGENCY, MAX_PROJECTS_PER_HOUSEHOLD, MAX_PROJECTS_PER_VILLAGE } from "./project.loader.js";
import { ListSize } from "../../shared/list-size.js";
import { ArgumentReads } from "../../access/reads.js";

/** Fields the projects module adds to households (federation: the module owning them extends the type). */
@Resolver(() => Household)
export class HouseholdProjectsResolver {
  @ListSize(MAX_PROJECTS_PER_HOUSEHOLD)
  @FieldResolver(() => [Project], {
    description: "Projects the household benefited from (受益项目), newest first, at most 200.",
  })
  projects(@Root() household: HouseholdRow, @Ctx() ctx: Context) {
    return householdProjects(ctx, household);
  }

  @ListSize(MAX_ASSETS_PER_HOUSEHOLD)
  @FieldResolver(() => [Asset], { description: "Household-owned assets (到户类资产) in its care, at most 200." })
  assets(@Root() household: HouseholdRow, @Ctx() ctx: Context) {
    return householdAssets(ctx, household);
  }
}

@Resolver(() => Village)
export class VillageProjectsResolver {
  @ListSize(MAX_PROJECTS_PER_VILLAGE)
  @FieldResolver(() => [Project], { description: "Projects in the village (村级项目), newest first, at most 200." })
  projects(@Root() village: VillageRow, @Ctx() ctx: Context) {
    return villageProjects(ctx, village);
  }

  @ArgumentReads({ kind: ["kind"] })
  @ListSize(MAX_ASSETS_PER_VILLAGE)
  @FieldResolver(() => [Asset], { description: "Assets located in the village, in id order, at most 500." })
  assets(
    @Root() village: VillageRow,
    @Ctx() ctx: Context,
    @Arg("kind", () => [AssetKind], { nullable: true, description: "Only these ledgers (资产类别); all if omitted." })
    kind?: string[] | null,
  ) {
    return villageAssets(ctx, village, kind ?? []);
  }
}

@Resolver(() => Agency)
export class AgencyProjectsResolver {
  @ListSize(MAX_PROJECTS_PER_AGENCY)
  @FieldResolver(() => [Project], { description: "Projects the agency leads (牵头项目), newest first, at most 500." })
  projectsLed(@Root() agency: AgencyRow, @Ctx() ctx: Context) {
    return agencyProjectsLed(ctx, agency);
  }
}
