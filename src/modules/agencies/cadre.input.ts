import { Field, ID, InputType, registerEnumType } from "type-graphql";
import { Reads } from "../../access/reads.js";

@InputType("CadreFilter", { description: "Which cadres to list; all conditions must hold." })
export class CadreFilter {
  @Reads("agency")
  @Field(() => ID, { nullable: true, description: "Only cadres of this agency (global id)." })
  agencyId?: string | null;

  @Reads()
  @Field(() => String, {
    nullable: true,
    description:
      "Only cadres whose agency belongs to a region under this code prefix (e.g. 431221). " +
      "It is the agency's region, not where the cadre serves: use Village.workTeam for that.",
  })
  regionCode?: string | null;

  @Reads("name")
  @Field(() => String, { nullable: true, description: "Only cadres whose name contains this text (姓名包含)." })
  name?: string | null;
}

export enum CadreOrder {
  NAME = "NAME",
  ID = "ID",
}

registerEnumType(CadreOrder, {
  name: "CadreOrder",
  description: "Orders for cadre lists.",
  valuesConfig: {
    NAME: { description: "By name (按姓名), the default." },
    ID: { description: "By creation order (按编号)." },
  },
});

/** The fields each ordering reads (access/reads.ts): ordering by a field asks about its values. */
export const CADRE_ORDER_READS: Record<CadreOrder, string[]> = {
  NAME: ["name"],
  ID: ["id"],
};
