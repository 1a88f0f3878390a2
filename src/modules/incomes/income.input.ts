import { Field, Float, ID, InputType, Int } from "type-graphql";
import { RigidExpenditureKind } from "./income.type.js";

@InputType("RecordHouseholdIncomeInput", {
  description:
    "The registry owner records a household's verified income of one year by kind (收入核实); the per-capita net income is computed from it.",
})
export class RecordHouseholdIncomeInput {
  @Field(() => ID, { description: "The household." })
  householdId!: string;

  @Field(() => Int, { description: "The household's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => Int, { description: "Income year (年度)." })
  year!: number;

  @Field(() => Float, { description: "Wage income (工资性收入), yuan." })
  wages!: number;

  @Field(() => Float, { description: "Production and business income (生产经营性收入), yuan." })
  production!: number;

  @Field(() => Float, { description: "Property income (财产性收入), yuan." })
  property!: number;

  @Field(() => Float, { description: "Transfer income (转移性收入), yuan." })
  transfer!: number;

  @Field(() => Float, { description: "Production and business costs (生产经营性支出), yuan." })
  productionCosts!: number;

  @Field(() => Int, { description: "People the income keeps (家庭人口, as verified): the per-capita divisor." })
  persons!: number;

  @Field(() => String, { description: "Who verified it (核实人 / 核实单位)." })
  verifiedBy!: string;

  @Field(() => String, { description: "ISO date of the verification (not in the future)." })
  verifiedOn!: string;

  @Field(() => String, { description: "Why (recorded in the household's history)." })
  reason!: string;
}

@InputType("RecordRigidExpenditureInput", {
  description: "The registry owner records a household's rigid expenditure (刚性支出) of one year and kind.",
})
export class RecordRigidExpenditureInput {
  @Field(() => ID, { description: "The household." })
  householdId!: string;

  @Field(() => Int, { description: "The household's version as you read it: a stale one is a CONFLICT." })
  version!: number;

  @Field(() => Int, { description: "Year (年度)." })
  year!: number;

  @Field(() => RigidExpenditureKind, { description: "Kind: medical, education, disaster or accident." })
  kind!: string;

  @Field(() => Float, { description: "Amount in the year, yuan (replaces what was recorded for the year and kind)." })
  amount!: number;

  @Field(() => String, { nullable: true, description: "What it was (e.g. 住院、学费、房屋受灾)." })
  note?: string | null;

  @Field(() => String, { description: "Who verified it (核实人 / 核实单位)." })
  verifiedBy!: string;

  @Field(() => String, { description: "ISO date of the verification (not in the future)." })
  verifiedOn!: string;

  @Field(() => String, { description: "Why (recorded in the household's history)." })
  reason!: string;
}

@InputType("SetMonitoringStandardInput", {
  description:
    "The registry owner sets the monitoring line of a year for a region (or everywhere), naming the document it comes from.",
})
export class SetMonitoringStandardInput {
  @Field(() => Int, { description: "Income year." })
  year!: number;

  @Field(() => String, {
    nullable: true,
    description:
      "Region code prefix (2, 4, 6, 9 or 12 digits) inside your scope; omit for everywhere (needs scope everywhere).",
  })
  regionPrefix?: string | null;

  @Field(() => Float, { description: "Per-capita net income line, yuan per person and year." })
  amount!: number;

  @Field(() => String, { description: "The document it comes from: title and number (文件名称、文号)." })
  source!: string;

  @Field(() => Int, {
    nullable: true,
    description: "To change an existing line: the version you read (a stale one is a CONFLICT). Omit to add a new one.",
  })
  version?: number | null;
}
