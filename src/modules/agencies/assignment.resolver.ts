import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../../context.js";
import { householdById } from "../households/household.loader.js";
import { Household, type HouseholdRow } from "../households/household.type.js";
import { villageById } from "../villages/village.loader.js";
import { Village, type VillageRow } from "../villages/village.type.js";
import { currentWorkTeamByVillage, helperAssignmentsByHousehold } from "./assignment.loader.js";
import {
  CadreVillageAssignment,
  HelperAssignment,
  type CadreVillageAssignmentRow,
  type HelperAssignmentRow,
} from "./assignment.type.js";
import { currentAgenciesByVillage } from "./agency.loader.js";
import { Agency } from "./agency.type.js";
import { cadreById, currentHelperByHousehold, firstSecretaryByVillage } from "./cadre.loader.js";
import { Cadre } from "./cadre.type.js";
import { ListSize } from "../../shared/list-size.js";

@Resolver(() => CadreVillageAssignment)
export class CadreVillageAssignmentResolver {
  @FieldResolver(() => Cadre, { nullable: true, description: "The cadre holding the post." })
  cadre(@Root() assignment: CadreVillageAssignmentRow, @Ctx() ctx: Context) {
    return cadreById(ctx).load(assignment.cadreId);
  }

  @FieldResolver(() => Village, { nullable: true, description: "The village; null if outside your scope." })
  village(@Root() assignment: CadreVillageAssignmentRow, @Ctx() ctx: Context) {
    return villageById(ctx).load(assignment.villageId);
  }
}

@Resolver(() => HelperAssignment)
export class HelperAssignmentResolver {
  @FieldResolver(() => Cadre, { nullable: true, description: "The helper (帮扶责任人)." })
  cadre(@Root() assignment: HelperAssignmentRow, @Ctx() ctx: Context) {
    return cadreById(ctx).load(assignment.cadreId);
  }

  @FieldResolver(() => Household, { nullable: true, description: "The household helped; null if outside your scope." })
  household(@Root() assignment: HelperAssignmentRow, @Ctx() ctx: Context) {
    return householdById(ctx).load(assignment.householdId);
  }
}

/** Fields the agencies module adds to Household. */
@Resolver(() => Household)
export class HouseholdHelperResolver {
  @FieldResolver(() => Cadre, { nullable: true, description: "The current responsible helper (帮扶责任人), if any." })
  helper(@Root() household: HouseholdRow, @Ctx() ctx: Context) {
    return currentHelperByHousehold(ctx).load(household.rowId);
  }

  @ListSize(5)
  @FieldResolver(() => [HelperAssignment], { description: "Every helper assignment of the household, oldest first." })
  helpers(@Root() household: HouseholdRow, @Ctx() ctx: Context) {
    return helperAssignmentsByHousehold(ctx).load(household.rowId);
  }
}

/** Fields the agencies module adds to Village. */
@Resolver(() => Village)
export class VillageHelpResolver {
  @ListSize(10)
  @FieldResolver(() => [Agency], { description: "The agencies currently paired with the village (帮扶单位)." })
  agencies(@Root() village: VillageRow, @Ctx() ctx: Context) {
    return currentAgenciesByVillage(ctx).load(village.rowId);
  }

  @ListSize(20)
  @FieldResolver(() => [CadreVillageAssignment], {
    description: "The current resident work team (驻村工作队), first secretary included.",
  })
  workTeam(@Root() village: VillageRow, @Ctx() ctx: Context) {
    return currentWorkTeamByVillage(ctx).load(village.rowId);
  }

  @FieldResolver(() => Cadre, { nullable: true, description: "The current first secretary (第一书记), if any." })
  firstSecretary(@Root() village: VillageRow, @Ctx() ctx: Context) {
    return firstSecretaryByVillage(ctx).load(village.rowId);
  }
}
