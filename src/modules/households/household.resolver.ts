import { Arg, Args, Ctx, Float, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../context.js";
import { PageArgs } from "../../shared/pagination.js";
import { Village } from "../villages/village.type.js";
import type { VillageRow } from "../villages/village.type.js";
import { HouseholdFilter, HouseholdOrder, HOUSEHOLD_ORDER_READS } from "./household.input.js";
import {
  getHousehold,
  getHouseholdAsOf,
  householdHead,
  householdHistory,
  householdIncomes,
  householdMembers,
  householdVillage,
  listHouseholds,
  listVillageHouseholds,
  povertyIncidence,
  regionPopulation,
  regionPrefix,
  villageHouseholdCount,
} from "./household.service.js";
import { Region, type RegionRow } from "../regions/region.type.js";
import {
  Household,
  HouseholdConnection,
  HouseholdEvent,
  HouseholdIncome,
  type HouseholdRow,
} from "./household.type.js";
import { Member } from "./member.type.js";
import { MAX_MEMBERS_PER_HOUSEHOLD } from "./household.service.js";
import { ListSize } from "../../shared/list-size.js";
import { ArgumentReads } from "../../access/reads.js";

@Resolver(() => Household)
export class HouseholdResolver {
  @ArgumentReads({ id: [], asOf: ["history"] })
  @Query(() => Household, {
    nullable: true,
    description:
      "A household by id; null if unknown or out of your scope. With `asOf`, its status and monitoring type are those it had on that date (from its history); null if it was not registered yet.",
  })
  household(
    @Ctx() ctx: Context,
    @Arg("id", () => ID) id: string,
    @Arg("asOf", () => String, { nullable: true, description: "An ISO date (not in the future)." }) asOf?: string,
  ) {
    return asOf ? getHouseholdAsOf(ctx, id, asOf) : getHousehold(ctx, id);
  }

  @ArgumentReads({ orderBy: HOUSEHOLD_ORDER_READS })
  @Query(() => HouseholdConnection, {
    description: "Registered households (建档立卡户), a keyset-paginated page at a time.",
  })
  households(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) args: PageArgs,
    @Arg("filter", () => HouseholdFilter, { nullable: true }) filter?: HouseholdFilter,
    @Arg("orderBy", () => HouseholdOrder, { nullable: true, defaultValue: HouseholdOrder.ID }) orderBy?: HouseholdOrder,
  ) {
    return listHouseholds(ctx, filter ?? {}, orderBy, args);
  }

  @ListSize(MAX_MEMBERS_PER_HOUSEHOLD)
  @FieldResolver(() => [Member], { description: "The household's members (家庭成员), head first, then by birth date." })
  members(@Root() household: HouseholdRow, @Ctx() ctx: Context) {
    return householdMembers(ctx, household);
  }

  @FieldResolver(() => Member, { nullable: true, description: "The head of household (户主)." })
  head(@Root() household: HouseholdRow, @Ctx() ctx: Context) {
    return householdHead(ctx, household);
  }

  @FieldResolver(() => Village, { nullable: true, description: "The household's village (所在村)." })
  village(@Root() household: HouseholdRow, @Ctx() ctx: Context) {
    return householdVillage(ctx, household);
  }

  @ArgumentReads({ year: ["year"] })
  @ListSize(20)
  @FieldResolver(() => [HouseholdIncome], { description: "Yearly incomes (家庭收入), newest year first." })
  incomes(
    @Root() household: HouseholdRow,
    @Ctx() ctx: Context,
    @Arg("year", () => Int, { nullable: true, description: "Only this year." }) year?: number,
  ) {
    return householdIncomes(ctx, household, year);
  }

  @ListSize(100)
  @FieldResolver(() => [HouseholdEvent], {
    description: "Status and field changes (动态管理记录), in chronological order.",
  })
  history(@Root() household: HouseholdRow, @Ctx() ctx: Context) {
    return householdHistory(ctx, household);
  }
}

@Resolver(() => Village)
export class VillageHouseholdsResolver {
  @FieldResolver(() => HouseholdConnection, {
    description:
      "The village's registered households, a page at a time (one statement per village: ask for few villages).",
  })
  households(
    @Root() village: VillageRow,
    @Ctx() ctx: Context,
    @Arg("filter", () => HouseholdFilter, { nullable: true }) filter?: HouseholdFilter,
    @Arg("first", () => Int, { nullable: true, description: "Return the first N households (default 50)." })
    first?: number,
    @Arg("after", () => String, { nullable: true, description: "Cursor of the household to start after." })
    after?: string,
  ) {
    return listVillageHouseholds(ctx, village, filter ?? {}, { first, after });
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description:
      "How many registered households of the village you can see (建档立卡户数); a multiple of 5 where your department may not read households (rounded so that no small count can be derived; README, Published counts).",
  })
  householdCount(@Root() village: VillageRow, @Ctx() ctx: Context) {
    return villageHouseholdCount(ctx, village);
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description:
      "Poverty incidence (贫困发生率): members of households poor now (POOR, RETURNED, NEWLY_POOR) ÷ registered population (户籍人口), a share 0–1; null without a population or where the count is suppressed for your department.",
  })
  povertyIncidence(@Root() village: VillageRow, @Ctx() ctx: Context) {
    return povertyIncidence(ctx, village.code);
  }
}

/** Population figures of a region, from its villages: 户籍人口 kept apart from the registered poor. */
@Resolver(() => Region)
export class RegionPopulationResolver {
  @FieldResolver(() => Int, { description: "Registered population (户籍人口) of the region's villages you can see." })
  async registeredPopulation(@Root() region: RegionRow, @Ctx() ctx: Context) {
    return (await regionPopulation(ctx, regionPrefix(region))).population;
  }

  @FieldResolver(() => Int, {
    description: "Registered-poor population (建档立卡人口) of the region's villages you can see, at identification.",
  })
  async registeredPoorPopulation(@Root() region: RegionRow, @Ctx() ctx: Context) {
    return (await regionPopulation(ctx, regionPrefix(region))).registeredPoor;
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description:
      "Poverty incidence (贫困发生率) of the region: members of households poor now ÷ registered population, a share 0–1; null without a population or where the count is suppressed for your department.",
  })
  povertyIncidence(@Root() region: RegionRow, @Ctx() ctx: Context) {
    return povertyIncidence(ctx, regionPrefix(region));
  }
}
