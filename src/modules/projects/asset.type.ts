import { Directive, Field, Float, ID, Int, ObjectType } from "type-graphql";
import { AssetKind, AssetOwnership, AssetStatus, CustodianKind } from "../../shared/enums.js";
import { NodeInterface } from "../../shared/node.js";
import { connectionType } from "../../shared/pagination.js";

@Directive('@key(fields: "id")')
@ObjectType("Asset", {
  implements: NodeInterface,
  description: "An asset formed by a project (扶贫项目资产), in one of the three ledgers.",
})
export class Asset {
  @Field(() => ID, { description: "Global id (also the federation key)." })
  id!: string;

  @Field(() => String, { description: "Asset code (资产编号), unique." })
  code!: string;

  @Field(() => String, { description: "Name (资产名称)." })
  name!: string;

  @Field(() => AssetKind, { description: "Ledger (资产类别): public-welfare, operating or household-owned." })
  kind!: string;

  @Field(() => AssetOwnership, { description: "Ownership (权属)." })
  ownership!: string;

  @Field(() => Float, { description: "Book value in yuan (资产价值, 元)." })
  value!: number;

  @Field(() => String, { description: "12-digit code of the village where the asset is (所在村)." })
  villageCode!: string;

  @Field(() => CustodianKind, { description: "Kind of custodian (管护主体类型)." })
  custodianKind!: string;

  @Field(() => AssetStatus, { description: "Status (资产状态)." })
  status!: string;

  @Field(() => String, { description: "When the asset was formed (形成日期), ISO date YYYY-MM-DD." })
  formedOn!: string;

  @Field(() => Int, { description: "Row version, bumped by every write (optimistic concurrency)." })
  version!: number;
}

@ObjectType("AssetIncome", { description: "An asset's income in one year and how it was distributed (收益分配)." })
export class AssetIncome {
  @Field(() => Int, { description: "Year (年度)." })
  year!: number;

  @Field(() => Float, { description: "Income in yuan (收益, 元)." })
  income!: number;

  @Field(() => Float, { description: "Part distributed to households (分配到户), yuan." })
  toHouseholds!: number;

  @Field(() => Float, { description: "Part kept by the village collective (村集体留存), yuan." })
  toCollective!: number;

  @Field(() => String, { nullable: true, description: "How the income was distributed (分配方式)." })
  distribution!: string | null;
}

@ObjectType("AssetCustodian", {
  description:
    "Who looks after an asset (管护主体): exactly one of agency, household or village is set, as `kind` says.",
})
export class AssetCustodian {
  @Field(() => CustodianKind, { description: "Kind of custodian." })
  kind!: string;
}

export const AssetConnection = connectionType(Asset, "Asset", "asset");

export interface AssetRow {
  id: string;
  rowId: number;
  code: string;
  kind: string;
  value: number;
  villageCode: string;
  projectId: number;
  custodianKind: string;
  custodianAgencyId: number | null;
  custodianHouseholdId: number | null;
}

export interface AssetIncomeRow {
  assetId: number;
  year: number;
  income: number;
  toHouseholds: number;
  toCollective: number;
  distribution: string | null;
}

/** What `Asset.custodian` resolves to: the keys its fields load through. */
export interface AssetCustodianRef {
  kind: string;
  agencyId: number | null;
  householdId: number | null;
  villageCode: string;
}
