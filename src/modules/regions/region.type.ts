import { Directive, Field, ID, Int, ObjectType } from "type-graphql";
import { RegionLevel } from "../../shared/enums.js";
import { NodeInterface } from "../../shared/node.js";

@Directive('@key(fields: "id")')
@ObjectType("Region", {
  implements: NodeInterface,
  description: "An administrative region (行政区划) above the village: province, city, county or township.",
})
export class Region {
  @Field(() => ID, { description: "Global id (also the federation key)." })
  id!: string;

  @Field(() => String, { description: "12-digit statistical code (统计用区划代码), e.g. 431221000000." })
  code!: string;

  @Field(() => String, { description: "Name (名称)." })
  name!: string;

  @Field(() => RegionLevel, { description: "Level in the hierarchy." })
  level!: string;

  @Field(() => String, { nullable: true, description: "Code of the parent region; null for a province." })
  parentCode!: string | null;

  @Field(() => Boolean, {
    description: "County: national key county for poverty alleviation (国家扶贫开发工作重点县).",
  })
  isKeyCounty!: boolean;

  @Field(() => Boolean, { description: "County: in a contiguous poverty-stricken area (集中连片特困地区县)." })
  isContiguousAreaCounty!: boolean;

  @Field(() => Boolean, { description: "County: deep-poverty county (深度贫困县)." })
  isDeepPovertyCounty!: boolean;

  @Field(() => Int, { nullable: true, description: "County: year it exited poverty (摘帽年份)." })
  exitYear!: number | null;
}

export interface RegionRow {
  id: string;
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
}
