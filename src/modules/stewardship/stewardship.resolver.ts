import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { Context } from "../../context.js";
import {
  ChangeHouseholdStatusInput,
  RecordAssistanceInput,
  RecordHealthInput,
  RecordHousingAssessmentInput,
  RecordSchoolingInput,
  RecordVillageRoadInput,
} from "./stewardship.input.js";
import {
  changeHouseholdStatus,
  recordAssistance,
  recordHealth,
  recordHousingAssessment,
  recordSchooling,
  recordVillageRoad,
} from "./stewardship.service.js";
import { HouseholdWriteResult, MemberWriteResult, VillageWriteResult } from "./stewardship.type.js";

/** Each department writes the fields it stewards, named for what its officers do. */
@Resolver()
export class StewardshipResolver {
  @Mutation(() => MemberWriteResult, {
    description: "Education: record a member's schooling (enrolled, dropped out, returned).",
  })
  recordSchooling(@Ctx() ctx: Context, @Arg("input", () => RecordSchoolingInput) input: RecordSchoolingInput) {
    return recordSchooling(ctx, input);
  }

  @Mutation(() => MemberWriteResult, {
    description: "Health: record insurance enrolment, health status, family-doctor contract or medical expense.",
  })
  recordHealth(@Ctx() ctx: Context, @Arg("input", () => RecordHealthInput) input: RecordHealthInput) {
    return recordHealth(ctx, input);
  }

  @Mutation(() => MemberWriteResult, { description: "Civil affairs: record 低保 / 特困 assistance or a disability." })
  recordAssistance(@Ctx() ctx: Context, @Arg("input", () => RecordAssistanceInput) input: RecordAssistanceInput) {
    return recordAssistance(ctx, input);
  }

  @Mutation(() => HouseholdWriteResult, {
    description: "Housing: record a house assessment (grade A–D) or a renovation.",
  })
  recordHousingAssessment(
    @Ctx() ctx: Context,
    @Arg("input", () => RecordHousingAssessmentInput) input: RecordHousingAssessmentInput,
  ) {
    return recordHousingAssessment(ctx, input);
  }

  @Mutation(() => VillageWriteResult, { description: "Transport: record a village's road and bus service." })
  recordVillageRoad(@Ctx() ctx: Context, @Arg("input", () => RecordVillageRoadInput) input: RecordVillageRoadInput) {
    return recordVillageRoad(ctx, input);
  }

  @Mutation(() => HouseholdWriteResult, {
    description: "Registry owner: record a status change (exit, monitoring, return to poverty, risk eliminated).",
  })
  changeHouseholdStatus(
    @Ctx() ctx: Context,
    @Arg("input", () => ChangeHouseholdStatusInput) input: ChangeHouseholdStatusInput,
  ) {
    return changeHouseholdStatus(ctx, input);
  }
}
