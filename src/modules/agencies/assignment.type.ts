import { Field, ID, ObjectType } from "type-graphql";
import { NodeInterface } from "../../shared/node.js";
import { AgencyVillageKind, CadreVillageRole } from "../../shared/enums.js";

@ObjectType("VillageAssignment", {
  description: "A dated pairing of an agency with a village (定点帮扶 or 东西部协作); history is kept.",
})
export class VillageAssignment {
  @Field(() => AgencyVillageKind, { description: "How the agency helps the village." })
  kind!: string;

  @Field(() => String, { description: "ISO date (YYYY-MM-DD) the pairing started." })
  startDate!: string;

  @Field(() => String, { nullable: true, description: "ISO date (YYYY-MM-DD) the pairing ended; null while current." })
  endDate!: string | null;

  @Field(() => Boolean, { description: "The pairing is current (no end date)." })
  current!: boolean;
}

@ObjectType("CadreVillageAssignment", {
  description: "A cadre's dated post in a village: first secretary (第一书记) or resident work team (驻村工作队).",
})
export class CadreVillageAssignment {
  @Field(() => CadreVillageRole, { description: "The cadre's role in the village (驻村职务)." })
  role!: string;

  @Field(() => String, { description: "ISO date (YYYY-MM-DD) the post started." })
  startDate!: string;

  @Field(() => String, { nullable: true, description: "ISO date (YYYY-MM-DD) the post ended; null while current." })
  endDate!: string | null;
}

@ObjectType("HelperAssignment", {
  implements: NodeInterface,
  description: "A cadre's dated assignment as a household's responsible helper (帮扶责任人).",
})
export class HelperAssignment {
  @Field(() => ID, { description: "Global id (its changes come through the change feed under it)." })
  id!: string;

  @Field(() => String, { description: "ISO date (YYYY-MM-DD) the assignment started." })
  startDate!: string;

  @Field(() => String, {
    nullable: true,
    description: "ISO date (YYYY-MM-DD) the assignment ended; null while current.",
  })
  endDate!: string | null;

  @Field(() => Boolean, { description: "The assignment is current (no end date)." })
  current!: boolean;
}

export interface VillageAssignmentRow {
  agencyId: number;
  villageId: number;
  kind: string;
  startDate: string;
  endDate: string | null;
  current: boolean;
}

export interface CadreVillageAssignmentRow {
  cadreId: number;
  villageId: number;
  role: string;
  startDate: string;
  endDate: string | null;
}

export interface HelperAssignmentRow {
  id: string;
  rowId: number;
  cadreId: number;
  householdId: number;
  startDate: string;
  endDate: string | null;
  current: boolean;
}
