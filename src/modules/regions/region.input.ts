import { Field, InputType } from "type-graphql";
import { RegionLevel } from "../../shared/enums.js";
import { Reads } from "../../access/reads.js";

@InputType("RegionFilter", { description: "Which regions to list." })
export class RegionFilterInput {
  @Reads("level")
  @Field(() => RegionLevel, { nullable: true, description: "Only regions of this level." })
  level?: string | null;

  @Reads("parentCode")
  @Field(() => String, { nullable: true, description: "Only the direct children of this region code." })
  parentCode?: string | null;

  @Reads()
  @Field(() => String, { nullable: true, description: "Only regions under this code prefix (e.g. 431221)." })
  regionCode?: string | null;
}
