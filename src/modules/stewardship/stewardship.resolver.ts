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
  prepareAssistance,
  prepareHealth,
  prepareHousingAssessment,
  prepareSchooling,
  prepareStatusChange,
  prepareVillageRoad,
  recordAssistance,
  recordHealth,
  recordHousingAssessment,
  recordSchooling,
  recordVillageRoad,
} from "./stewardship.service.js";
import { HouseholdWriteResult, MemberWriteResult, VillageWriteResult } from "./stewardship.type.js";
import { runBatch } from "./batch.service.js";
import {
  BatchWriteResult,
  ChangeHouseholdStatusBatchInput,
  RecordAssistanceBatchInput,
  RecordHealthBatchInput,
  RecordHousingAssessmentBatchInput,
  RecordSchoolingBatchInput,
  RecordVillageRoadBatchInput,
  type BatchInputOf,
} from "./batch.type.js";

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

  @Mutation(() => BatchWriteResult, { description: "Education, for integrators: many schooling records in one call." })
  recordSchoolingBatch(
    @Ctx() ctx: Context,
    @Arg("input", () => RecordSchoolingBatchInput) input: BatchInputOf<RecordSchoolingInput>,
  ) {
    return runBatch(
      ctx,
      { name: "recordSchooling", type: "Member", idOf: (r) => r.memberId, prepare: prepareSchooling },
      input,
    );
  }

  @Mutation(() => BatchWriteResult, { description: "Health, for integrators: many health records in one call." })
  recordHealthBatch(
    @Ctx() ctx: Context,
    @Arg("input", () => RecordHealthBatchInput) input: BatchInputOf<RecordHealthInput>,
  ) {
    return runBatch(
      ctx,
      { name: "recordHealth", type: "Member", idOf: (r) => r.memberId, prepare: prepareHealth },
      input,
    );
  }

  @Mutation(() => BatchWriteResult, {
    description: "Civil affairs, for integrators: many assistance records in one call.",
  })
  recordAssistanceBatch(
    @Ctx() ctx: Context,
    @Arg("input", () => RecordAssistanceBatchInput) input: BatchInputOf<RecordAssistanceInput>,
  ) {
    return runBatch(
      ctx,
      { name: "recordAssistance", type: "Member", idOf: (r) => r.memberId, prepare: prepareAssistance },
      input,
    );
  }

  @Mutation(() => BatchWriteResult, { description: "Housing, for integrators: many house assessments in one call." })
  recordHousingAssessmentBatch(
    @Ctx() ctx: Context,
    @Arg("input", () => RecordHousingAssessmentBatchInput) input: BatchInputOf<RecordHousingAssessmentInput>,
  ) {
    return runBatch(
      ctx,
      {
        name: "recordHousingAssessment",
        type: "Household",
        idOf: (r) => r.householdId,
        prepare: prepareHousingAssessment,
      },
      input,
    );
  }

  @Mutation(() => BatchWriteResult, {
    description: "Transport, for integrators: many village road records in one call.",
  })
  recordVillageRoadBatch(
    @Ctx() ctx: Context,
    @Arg("input", () => RecordVillageRoadBatchInput) input: BatchInputOf<RecordVillageRoadInput>,
  ) {
    return runBatch(
      ctx,
      { name: "recordVillageRoad", type: "Village", idOf: (r) => r.villageId, prepare: prepareVillageRoad },
      input,
    );
  }

  @Mutation(() => BatchWriteResult, {
    description: "Registry owner, for integrators: many status changes in one call.",
  })
  changeHouseholdStatusBatch(
    @Ctx() ctx: Context,
    @Arg("input", () => ChangeHouseholdStatusBatchInput) input: BatchInputOf<ChangeHouseholdStatusInput>,
  ) {
    return runBatch(
      ctx,
      { name: "changeHouseholdStatus", type: "Household", idOf: (r) => r.householdId, prepare: prepareStatusChange },
      input,
    );
  }
}
