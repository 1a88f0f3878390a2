import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../context.js";
import { PageArgs } from "../../shared/pagination.js";
import { Agency } from "../agencies/agency.type.js";
import { Household } from "../households/household.type.js";
import { Village } from "../villages/village.type.js";
import { AssetFilter, AssetOrder, ASSET_ORDER_READS } from "./asset.input.js";
import * as assets from "./asset.service.js";
import {
  Asset,
  AssetConnection,
  AssetCustodian,
  AssetIncome,
  type AssetCustodianRef,
  type AssetRow,
} from "./asset.type.js";
import { Project } from "./project.type.js";
import { ListSize } from "../../shared/list-size.js";
import { ArgumentReads } from "../../access/reads.js";

@Resolver(() => Asset)
export class AssetResolver {
  @ArgumentReads({ id: [] })
  @Query(() => Asset, { nullable: true, description: "An asset by id; null if unknown or out of your scope." })
  asset(@Ctx() ctx: Context, @Arg("id", () => ID) id: string) {
    return assets.getAsset(ctx, id);
  }

  @ArgumentReads({ orderBy: ASSET_ORDER_READS })
  @Query(() => AssetConnection, { description: "Project assets (扶贫项目资产), a keyset-paginated page at a time." })
  assets(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) args: PageArgs,
    @Arg("filter", () => AssetFilter, { nullable: true }) filter?: AssetFilter,
    @Arg("orderBy", () => AssetOrder, { nullable: true, defaultValue: AssetOrder.ID }) orderBy?: AssetOrder,
  ) {
    return assets.listAssets(ctx, filter ?? {}, orderBy, args);
  }

  @FieldResolver(() => Project, { nullable: true, description: "The project that formed the asset (来源项目)." })
  project(@Root() asset: AssetRow, @Ctx() ctx: Context) {
    return assets.assetProject(ctx, asset);
  }

  @FieldResolver(() => Village, { nullable: true, description: "The village where the asset is (所在村)." })
  village(@Root() asset: AssetRow, @Ctx() ctx: Context) {
    return assets.assetVillage(ctx, asset);
  }

  @FieldResolver(() => AssetCustodian, { description: "Who looks after the asset (管护主体)." })
  custodian(@Root() asset: AssetRow) {
    return assets.assetCustodian(asset);
  }

  @ListSize(20)
  @FieldResolver(() => [AssetIncome], { description: "Yearly income and its distribution (收益分配), newest first." })
  incomes(@Root() asset: AssetRow, @Ctx() ctx: Context) {
    return assets.assetIncomes(ctx, asset);
  }
}

@Resolver(() => AssetCustodian)
export class AssetCustodianResolver {
  @FieldResolver(() => Agency, { nullable: true, description: "The custodian agency, when `kind` is AGENCY." })
  agency(@Root() custodian: AssetCustodianRef, @Ctx() ctx: Context) {
    return assets.custodianAgency(ctx, custodian);
  }

  @FieldResolver(() => Household, { nullable: true, description: "The custodian household, when `kind` is HOUSEHOLD." })
  household(@Root() custodian: AssetCustodianRef, @Ctx() ctx: Context) {
    return assets.custodianHousehold(ctx, custodian);
  }

  @FieldResolver(() => Village, {
    nullable: true,
    description: "The village whose collective (村集体) looks after it, when `kind` is VILLAGE_COLLECTIVE.",
  })
  village(@Root() custodian: AssetCustodianRef, @Ctx() ctx: Context) {
    return assets.custodianVillage(ctx, custodian);
  }
}
