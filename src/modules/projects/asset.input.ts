import { Field, ID, InputType, registerEnumType } from "type-graphql";
import { AssetKind, AssetOwnership, AssetStatus } from "../../shared/enums.js";

@InputType("AssetFilter", { description: "Which assets to list; all conditions must hold." })
export class AssetFilter {
  @Field(() => String, {
    nullable: true,
    description: "Only assets located in this region subtree (code prefix of the village code).",
  })
  regionCode?: string | null;

  @Field(() => [AssetKind], { nullable: true, description: "Only assets in one of these ledgers." })
  kind?: string[] | null;

  @Field(() => [AssetOwnership], { nullable: true, description: "Only assets with one of these ownerships." })
  ownership?: string[] | null;

  @Field(() => [AssetStatus], { nullable: true, description: "Only assets with one of these statuses." })
  status?: string[] | null;

  @Field(() => ID, { nullable: true, description: "Only assets formed by this project, by global id." })
  projectId?: string | null;
}

export enum AssetOrder {
  ID = "ID",
  VALUE_DESC = "VALUE_DESC",
}

registerEnumType(AssetOrder, {
  name: "AssetOrder",
  description: "Orders for asset lists.",
  valuesConfig: {
    ID: { description: "In order of registration (按登记顺序), the default." },
    VALUE_DESC: { description: "Most valuable first (按价值降序)." },
  },
});
