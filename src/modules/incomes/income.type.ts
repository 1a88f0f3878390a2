import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import { NodeInterface } from "../../shared/node.js";
import * as db from "../../db/enums.js";
import { graphqlEnum } from "../../shared/enums.js";
import { resultType } from "../../writes/write.type.js";

/** A kind of rigid expenditure: the database enum's values, registered for GraphQL. */
export const RigidExpenditureKind = graphqlEnum(
  db.rigidExpenditureKind,
  "RigidExpenditureKind",
  "A kind of rigid expenditure (刚性支出) that can push a household back into poverty.",
  {
    MEDICAL: "因病 Medical expenses.",
    EDUCATION: "因学 Schooling expenses.",
    DISASTER: "因灾 Losses and expenses from a natural disaster.",
    ACCIDENT: "因意外事故 Expenses from an accident.",
  },
);
export type RigidExpenditureKind = (typeof RigidExpenditureKind)[keyof typeof RigidExpenditureKind];

@ObjectType("RigidExpenditure", {
  implements: NodeInterface,
  description: "A household's rigid expenditure of one year and kind (刚性支出), in yuan.",
})
export class RigidExpenditure {
  @Field(() => ID, { description: "Global id (its changes come through the change feed under it)." })
  id!: string;

  @Field(() => Int, { description: "Year (年度)." })
  year!: number;

  @Field(() => RigidExpenditureKind, { description: "Kind." })
  kind!: string;

  @Field(() => Float, { description: "Amount in the year (yuan)." })
  amount!: number;

  @Field(() => String, { nullable: true, description: "What it was (e.g. 住院、学费、房屋受灾)." })
  note!: string | null;

  @Field(() => String, { description: "Who verified it (核实人 / 核实单位)." })
  verifiedBy!: string;

  @Field(() => String, { description: "ISO date of the verification." })
  verifiedOn!: string;
}

export interface RigidExpenditureRow {
  id: string;
  rowId: number;
  householdId: number;
  year: number;
}

@ObjectType("MonitoringStandard", {
  implements: NodeInterface,
  description:
    "A monitoring line (防止返贫监测标准): per-capita net income per year for a region, with the document it comes from. Local policy kept as data: the registry owner sets it.",
})
export class MonitoringStandard {
  @Field(() => ID, { description: "Global id." })
  id!: string;

  @Field(() => Int, { description: "Income year it applies to (later years without a line take it too)." })
  year!: number;

  @Field(() => String, {
    nullable: true,
    description: "Region code prefix it applies under (the longest matching prefix wins); null = everywhere.",
  })
  regionPrefix!: string | null;

  @Field(() => Float, { description: "Per-capita net income line, yuan per person and year." })
  amount!: number;

  @Field(() => String, { description: "The document it comes from (title and number), as recorded." })
  source!: string;

  @Field(() => Int, { description: "Row version, for changing it." })
  version!: number;

  @Field(() => String, { description: "ISO timestamp of the last change." })
  updatedAt!: string;
}

export interface MonitoringStandardRow {
  id: string;
  rowId: number;
  year: number;
  regionPrefix: string | null;
  amount: number;
  source: string;
  version: number;
  updatedAt: string;
}

export const MonitoringStandardWriteResult = resultType(
  MonitoringStandard,
  "MonitoringStandard",
  "monitoring standard",
);
