import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../context.js";
import { RegionFilterInput } from "./region.input.js";
import { getRegion, getRegions } from "./region.service.js";
import { regionByCode, regionChildren } from "./region.loader.js";
import { Region, type RegionRow } from "./region.type.js";
import { MAX_REGIONS } from "./region.service.js";
import { ListSize } from "../../shared/list-size.js";
import { ArgumentReads } from "../../access/reads.js";

@Resolver(() => Region)
export class RegionResolver {
  @ArgumentReads({ code: [] })
  @Query(() => Region, { nullable: true, description: "A region by its 12-digit code; null if unknown." })
  region(@Ctx() ctx: Context, @Arg("code", () => String) code: string) {
    return getRegion(ctx, code);
  }

  @ListSize(MAX_REGIONS)
  @Query(() => [Region], { description: "Regions (bounded list: at most 5,000), ordered by code." })
  regions(@Ctx() ctx: Context, @Arg("filter", () => RegionFilterInput, { nullable: true }) filter?: RegionFilterInput) {
    return getRegions(ctx, filter ?? {});
  }

  @FieldResolver(() => Region, { nullable: true, description: "The parent region." })
  parent(@Root() region: RegionRow, @Ctx() ctx: Context) {
    return region.parentCode ? regionByCode(ctx).load(region.parentCode) : null;
  }

  @ListSize(100)
  @FieldResolver(() => [Region], { description: "Direct children (e.g. a county's townships)." })
  children(@Root() region: RegionRow, @Ctx() ctx: Context) {
    return regionChildren(ctx).load(region.code);
  }
}
