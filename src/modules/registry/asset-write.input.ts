import { Field, Float, ID, InputType, Int } from "type-graphql";
import { AssetKind, AssetOwnership, AssetStatus, CustodianKind } from "../../shared/enums.js";

@InputType("CreateAssetInput", { description: "The registry owner enters an asset a project formed in its ledger." })
export class CreateAssetInput {
  @Field(() => String, { description: "Asset code (资产编号), unique." })
  code!: string;

  @Field(() => String, { description: "Name (资产名称)." })
  name!: string;

  @Field(() => AssetKind, { description: "Ledger: public-welfare, operating or household-owned." })
  kind!: string;

  @Field(() => AssetOwnership, { description: "Ownership (权属)." })
  ownership!: string;

  @Field(() => Float, { description: "Book value in yuan (≥ 0)." })
  value!: number;

  @Field(() => String, { description: "12-digit code of the village where it is (in your scope)." })
  villageCode!: string;

  @Field(() => ID, { description: "The project that formed it." })
  projectId!: string;

  @Field(() => CustodianKind, { description: "Who looks after it; HOUSEHOLD exactly for household-owned assets." })
  custodianKind!: string;

  @Field(() => ID, { nullable: true, description: "The custodian agency, for custodianKind AGENCY." })
  custodianAgencyId?: string | null;

  @Field(() => ID, { nullable: true, description: "The custodian household, for custodianKind HOUSEHOLD." })
  custodianHouseholdId?: string | null;

  @Field(() => AssetStatus, { nullable: true, description: "Status; default IN_USE." })
  status?: string | null;

  @Field(() => String, { description: "When it was formed (ISO, not in the future)." })
  formedOn!: string;
}

@InputType("UpdateAssetInput", {
  description: "The registry owner updates an asset's name, value, status or custodian.",
})
export class UpdateAssetInput {
  @Field(() => ID, { description: "The asset." })
  assetId!: string;

  @Field(() => Int, { description: "The asset's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => String, { nullable: true, description: "Name." })
  name?: string | null;

  @Field(() => Float, { nullable: true, description: "Book value in yuan (≥ 0)." })
  value?: number | null;

  @Field(() => AssetStatus, { nullable: true, description: "Status." })
  status?: string | null;

  @Field(() => CustodianKind, { nullable: true, description: "New kind of custodian; give the custodian with it." })
  custodianKind?: string | null;

  @Field(() => ID, { nullable: true, description: "The custodian agency, for custodianKind AGENCY." })
  custodianAgencyId?: string | null;

  @Field(() => ID, { nullable: true, description: "The custodian household, for custodianKind HOUSEHOLD." })
  custodianHouseholdId?: string | null;
}

@InputType("RecordAssetIncomeInput", {
  description:
    "The registry owner records an asset's income of a year and how it was distributed (replacing that year's).",
})
export class RecordAssetIncomeInput {
  @Field(() => ID, { description: "The asset." })
  assetId!: string;

  @Field(() => Int, { description: "The asset's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => Int, { description: "The year (2013 to this year)." })
  year!: number;

  @Field(() => Float, { description: "Income in yuan (≥ 0)." })
  income!: number;

  @Field(() => Float, { nullable: true, description: "Part distributed to households, yuan; default 0." })
  toHouseholds?: number | null;

  @Field(() => Float, { nullable: true, description: "Part kept by the village collective, yuan; default 0." })
  toCollective?: number | null;

  @Field(() => String, { nullable: true, description: "How it was distributed (分配方式)." })
  distribution?: string | null;
}
