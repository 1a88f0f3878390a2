import { Field, ID, InputType, registerEnumType } from "type-graphql";
import { AssetKind, AssetOwnership, AssetStatus } from "../../shared/enums.js";
import { Reads } from "../../access/reads.js";

@InputType("AssetFilter", { description: "Which assets to list; all conditions must hold." })
export class AssetFilter {
  @Reads()
  @Field(() => String, {
    nullable: true,
    description: "Only assets located in this region subtree (code prefix of the village code).",
  })
  regionCode?: string | null;

  @Reads("kind")
  @Field(() => [AssetKind], { nullable: true, description: "Only assets in one of these ledgers." })
  kind?: string[] | null;

  @Reads("ownership")
  @Field(() => [AssetOwnership], { nullable: true, description: "Only assets with one of these ownerships." })
  ownership?: string[] | null;

  @Reads("status")
  @Field(() => [AssetStatus], { nullable: true, description: "Only assets with one of these statuses." })
  status?: string[] | null;

  @Reads("project")
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

/** The fields each ordering reads (access/reads.ts): ordering by a field asks about its values. */
export const ASSET_ORDER_READS: Record<AssetOrder, string[]> = {
  ID: ["id"],
  VALUE_DESC: ["value"],
};
