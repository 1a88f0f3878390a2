import { Directive, Field, ID, Int, ObjectType } from "type-graphql";
import { AgencyKind, AgencyLevel } from "../../shared/enums.js";
import { NodeInterface } from "../../shared/node.js";
import { connectionType } from "../../shared/pagination.js";

@Directive('@key(fields: "id")')
@ObjectType("Agency", {
  implements: NodeInterface,
  description:
    "A helping agency (帮扶单位): a department, enterprise or organisation paired with villages and households.",
})
export class Agency {
  @Field(() => ID, { description: "Global id (also the federation key)." })
  id!: string;

  @Field(() => String, { description: "Name (单位名称)." })
  name!: string;

  @Field(() => AgencyKind, { description: "Kind of agency (单位类型)." })
  kind!: string;

  @Field(() => AgencyLevel, { description: "Administrative level (单位层级)." })
  level!: string;

  @Field(() => String, {
    nullable: true,
    description: "12-digit code of the region the agency belongs to; null for central or out-of-area partners.",
  })
  regionCode!: string | null;

  @Field(() => Int, { description: "Row version, bumped by every write (optimistic concurrency)." })
  version!: number;
}

export const AgencyConnection = connectionType(Agency, "Agency", "agency");

export interface AgencyRow {
  id: string;
  rowId: number;
  name: string;
  kind: string;
  level: string;
  regionCode: string | null;
}
