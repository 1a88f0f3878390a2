import { Field, InputType, registerEnumType } from "type-graphql";
import { AgencyKind, AgencyLevel } from "../../shared/enums.js";
import { Reads } from "../../access/reads.js";

@InputType("AgencyFilter", { description: "Which agencies to list; all conditions must hold." })
export class AgencyFilter {
  @Reads("kind")
  @Field(() => [AgencyKind], { nullable: true, description: "Only agencies of one of these kinds." })
  kind?: string[] | null;

  @Reads("level")
  @Field(() => [AgencyLevel], { nullable: true, description: "Only agencies at one of these levels." })
  level?: string[] | null;

  @Reads()
  @Field(() => String, {
    nullable: true,
    description: "Only agencies whose region is under this code prefix (e.g. 431221).",
  })
  regionCode?: string | null;
}

export enum AgencyOrder {
  NAME = "NAME",
  ID = "ID",
}

registerEnumType(AgencyOrder, {
  name: "AgencyOrder",
  description: "Orders for agency lists.",
  valuesConfig: {
    NAME: { description: "By name (按单位名称), the default." },
    ID: { description: "By creation order (按编号)." },
  },
});

/** The fields each ordering reads (access/reads.ts): ordering by a field asks about its values. */
export const AGENCY_ORDER_READS: Record<AgencyOrder, string[]> = {
  NAME: ["name"],
  ID: ["id"],
};
