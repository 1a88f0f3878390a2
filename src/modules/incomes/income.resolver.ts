import { ListSize } from "../../shared/list-size.js";
import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../context.js";
import { writeResolvers } from "../../writes/owned-write.js";
import { HouseholdWriteResult } from "../households/household.target.js";
import { Household, type HouseholdRow } from "../households/household.type.js";
import { RecordHouseholdIncomeInput, RecordRigidExpenditureInput, SetMonitoringStandardInput } from "./income.input.js";
import {
  rigidExpendituresOf,
  listMonitoringStandards,
  recordHouseholdIncome,
  recordRigidExpenditure,
  setMonitoringStandard,
} from "./income.service.js";
import { MonitoringStandard, MonitoringStandardWriteResult, RigidExpenditure } from "./income.type.js";
import { ArgumentReads } from "../../access/reads.js";

@Resolver(() => Household)
export class HouseholdRigidExpendituresResolver {
  @ArgumentReads({ year: ["year"] })
  @ListSize(50)
  @FieldResolver(() => [RigidExpenditure], {
    description: "Rigid expenditures (刚性支出) by year and kind, newest year first.",
  })
  rigidExpenditures(
    @Root() household: HouseholdRow,
    @Ctx() ctx: Context,
    @Arg("year", () => Int, { nullable: true, description: "Only this year." }) year?: number,
  ) {
    return rigidExpendituresOf(ctx, household, year);
  }
}

@Resolver(() => MonitoringStandard)
export class MonitoringStandardResolver {
  @ArgumentReads({ year: ["year"] })
  @ListSize(200)
  @Query(() => [MonitoringStandard], {
    description: "The monitoring lines (防止返贫监测标准) by year and region, each with the document it comes from.",
  })
  monitoringStandards(
    @Ctx() ctx: Context,
    @Arg("year", () => Int, { nullable: true, description: "Only this year's lines." }) year?: number,
  ) {
    return listMonitoringStandards(ctx, year);
  }

  @Mutation(() => MonitoringStandardWriteResult, {
    description: "Registry owner: set a monitoring line of a year for a region (or everywhere), naming its document.",
  })
  setMonitoringStandard(
    @Ctx() ctx: Context,
    @Arg("input", () => SetMonitoringStandardInput) input: SetMonitoringStandardInput,
  ) {
    return setMonitoringStandard(ctx, input);
  }
}

/** Incomes and rigid expenditures (收入支出监测), written by the registry owner, single and batch. */
export const incomeWriteResolvers = [
  ...writeResolvers({
    write: recordHouseholdIncome,
    input: RecordHouseholdIncomeInput,
    result: HouseholdWriteResult,
    description: "Registry owner: record a household's verified income of a year by kind (收入核实).",
    batch: {
      what: "household incomes",
      description: "Registry owner, for integrators: many household incomes in one call.",
    },
  }),
  ...writeResolvers({
    write: recordRigidExpenditure,
    input: RecordRigidExpenditureInput,
    result: HouseholdWriteResult,
    description: "Registry owner: record a household's rigid expenditure (刚性支出) of a year and kind.",
    batch: {
      what: "rigid expenditures",
      description: "Registry owner, for integrators: many rigid expenditures in one call.",
    },
  }),
];
