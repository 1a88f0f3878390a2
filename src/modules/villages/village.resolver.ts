import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../context.js";
import { PageArgs } from "../../shared/pagination.js";
import { ancestor } from "../regions/region.service.js";
import { Region, type RegionRow } from "../regions/region.type.js";
import { VillageFilter, VillageOrder } from "./village.input.js";
import { eventsByVillage, villagesByTownship } from "./village.loader.js";
import { getVillage, listVillages } from "./village.service.js";
import { Village, VillageConnection, VillageEvent, type VillageRow } from "./village.type.js";
import { ListSize } from "../../shared/list-size.js";
import { ArgumentReads } from "../../access/reads.js";
import { VILLAGE_ORDER_READS } from "../villages/village.input.js";

@Resolver(() => Village)
export class VillageResolver {
  @ArgumentReads({ id: [] })
  @Query(() => Village, { nullable: true, description: "A village by id; null if unknown or out of your scope." })
  village(@Ctx() ctx: Context, @Arg("id", () => ID) id: string) {
    return getVillage(ctx, id);
  }

  @ArgumentReads({ orderBy: VILLAGE_ORDER_READS })
  @Query(() => VillageConnection, { description: "Villages, a keyset-paginated page at a time." })
  villages(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) args: PageArgs,
    @Arg("filter", () => VillageFilter, { nullable: true }) filter?: VillageFilter,
    @Arg("orderBy", () => VillageOrder, { nullable: true, defaultValue: VillageOrder.CODE }) orderBy?: VillageOrder,
  ) {
    return listVillages(ctx, filter ?? {}, orderBy, args);
  }

  @ListSize(100)
  @FieldResolver(() => [VillageEvent], {
    description: "Every change of a department-owned field of the village (roads, bus), oldest first.",
  })
  history(@Root() village: VillageRow, @Ctx() ctx: Context) {
    return eventsByVillage(ctx).load(village.rowId);
  }

  @FieldResolver(() => Region, { nullable: true, description: "The township (乡镇) the village belongs to." })
  township(@Root() village: VillageRow, @Ctx() ctx: Context) {
    return ancestor(ctx, village.code, 9);
  }

  @FieldResolver(() => Region, { nullable: true, description: "The county (县)." })
  county(@Root() village: VillageRow, @Ctx() ctx: Context) {
    return ancestor(ctx, village.code, 6);
  }

  @FieldResolver(() => Region, { nullable: true, description: "The city (市)." })
  city(@Root() village: VillageRow, @Ctx() ctx: Context) {
    return ancestor(ctx, village.code, 4);
  }
}

@Resolver(() => Region)
export class RegionVillagesResolver {
  @ListSize(50)
  @FieldResolver(() => [Village], { description: "A township's villages (empty for other levels)." })
  villages(@Root() region: RegionRow, @Ctx() ctx: Context) {
    return region.level === "TOWNSHIP" ? villagesByTownship(ctx).load(region.code) : [];
  }
}
