import { ListSize } from "../../shared/list-size.js";
import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import { batchInput, BatchWriteResult, type BatchInputOf } from "../../writes/batch.type.js";
import type { Context } from "../../context.js";
import { toGlobalId } from "../../shared/global-id.js";
import { PageArgs } from "../../shared/pagination.js";
import { householdById } from "../households/household.loader.js";
import { Household, type HouseholdRow } from "../households/household.type.js";
import { alertById } from "../monitoring/alert.loader.js";
import { RiskAlert } from "../monitoring/alert.type.js";
import * as I from "./case.input.js";
import {
  alertIdsByCase,
  assistanceByCase,
  caseById,
  casesByHousehold,
  followUpsByCase,
  objectionsByCase,
} from "./case.loader.js";
import * as S from "./case.service.js";
import { CaseWriteResult } from "./case.target.js";
import {
  AssistanceMeasure,
  CaseConnection,
  CaseObjection,
  FollowUpConnection,
  FollowUpVisit,
  MonitoringCase,
  MonitoringCounts,
  type CaseRow,
} from "./case.type.js";
import { ArgumentReads } from "../../access/reads.js";

const withId = <R extends { id: number }>(type: string, rows: R[]) =>
  rows.map((r) => ({ ...r, id: toGlobalId(type, r.id) }));

@Resolver(() => MonitoringCase)
export class CaseResolver {
  @Query(() => CaseConnection, {
    description: "Monitoring cases in your region (a village applicant: those it filed), newest first.",
  })
  monitoringCases(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => I.CaseFilter, { nullable: true, description: "Which cases." }) filter?: I.CaseFilter | null,
  ) {
    return S.listCases(ctx, filter, page);
  }

  @ArgumentReads({ dueBy: ["dueOn"], regionCode: [] })
  @Query(() => FollowUpConnection, {
    description: "跟踪回访 Follow-up visits not yet made and due by `dueBy`, earliest first.",
  })
  followUpsDue(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg("regionCode", () => String, { nullable: true, description: "Only under this region (2–12 digit prefix)." })
    regionCode?: string | null,
    @Arg("dueBy", () => String, { nullable: true, description: "Due on or before this day (ISO date); default today." })
    dueBy?: string | null,
  ) {
    return S.listFollowUpsDue(ctx, regionCode, dueBy, page);
  }

  @ArgumentReads({ regionCode: [] })
  @Query(() => MonitoringCounts, {
    description: "Monitoring counts of a region (default yours): by type, eliminated, 返贫 and 致贫 apart.",
  })
  monitoringCounts(
    @Ctx() ctx: Context,
    @Arg("regionCode", () => String, { nullable: true, description: "Region code prefix." }) regionCode?: string | null,
  ) {
    return S.monitoringCounts(ctx, regionCode);
  }

  @Mutation(() => CaseWriteResult, {
    description: "Open a case after a cadre's visit or from the household's alerts (部门筛查预警).",
  })
  openMonitoringCase(
    @Ctx() ctx: Context,
    @Arg("input", () => I.OpenMonitoringCaseInput) input: I.OpenMonitoringCaseInput,
  ) {
    return S.openMonitoringCase(ctx, input);
  }

  @Mutation(() => CaseWriteResult, {
    description: "农户主动申请: file an application for a household of your village.",
  })
  fileSelfApplication(
    @Ctx() ctx: Context,
    @Arg("input", () => I.FileSelfApplicationInput) input: I.FileSelfApplicationInput,
  ) {
    return S.fileSelfApplication(ctx, input);
  }

  @Mutation(() => CaseWriteResult, { description: "入户核实: record the home visit (from OPENED)." })
  verifyCase(@Ctx() ctx: Context, @Arg("input", () => I.VerifyCaseInput) input: I.VerifyCaseInput) {
    return S.runStep(ctx, S.verifyCase, input);
  }

  @Mutation(() => CaseWriteResult, { description: "村级公示: record the village notice (from VERIFIED)." })
  noticeCase(@Ctx() ctx: Context, @Arg("input", () => I.NoticeCaseInput) input: I.NoticeCaseInput) {
    return S.runStep(ctx, S.noticeCase, input);
  }

  @Mutation(() => CaseWriteResult, { description: "Record an objection raised during the notice." })
  raiseObjection(@Ctx() ctx: Context, @Arg("input", () => I.RaiseObjectionInput) input: I.RaiseObjectionInput) {
    return S.runStep(ctx, S.raiseObjection, input);
  }

  @Mutation(() => CaseWriteResult, { description: "Record how an objection was settled." })
  settleObjection(@Ctx() ctx: Context, @Arg("input", () => I.SettleObjectionInput) input: I.SettleObjectionInput) {
    return S.runStep(ctx, S.settleCaseObjection, input);
  }

  @Mutation(() => CaseWriteResult, {
    description:
      "乡镇审核 (from NOTICED): refused (CASE_STEP_REFUSED, `missing`) while the notice runs or an objection is unsettled.",
  })
  reviewCase(@Ctx() ctx: Context, @Arg("input", () => I.ReviewCaseInput) input: I.ReviewCaseInput) {
    return S.runStep(ctx, S.reviewCase, input);
  }

  @Mutation(() => CaseWriteResult, {
    description: "县级确认 (from REVIEWED): the household is placed under monitoring with its type and risk types.",
  })
  confirmCase(@Ctx() ctx: Context, @Arg("input", () => I.ConfirmCaseInput) input: I.ConfirmCaseInput) {
    return S.runStep(ctx, S.confirmCase, input);
  }

  @Mutation(() => CaseWriteResult, { description: "Close a case before confirmation without monitoring." })
  rejectCase(@Ctx() ctx: Context, @Arg("input", () => I.RejectCaseInput) input: I.RejectCaseInput) {
    return S.runStep(ctx, S.rejectCase, input);
  }

  @Mutation(() => CaseWriteResult, { description: "帮扶措施: record an assistance measure (case MONITORED)." })
  recordAssistanceMeasure(
    @Ctx() ctx: Context,
    @Arg("input", () => I.RecordAssistanceMeasureInput) input: I.RecordAssistanceMeasureInput,
  ) {
    return S.runStep(ctx, S.recordAssistance, input);
  }

  @Mutation(() => CaseWriteResult, {
    description:
      "风险消除: refused (RISK_NOT_ELIMINATED, `missing`) while a configured criterion is unmet; then follow-ups fall due.",
  })
  eliminateRisk(@Ctx() ctx: Context, @Arg("input", () => I.EliminateRiskInput) input: I.EliminateRiskInput) {
    return S.runStep(ctx, S.eliminateRisk, input);
  }

  @Mutation(() => CaseWriteResult, { description: "跟踪回访: record a follow-up visit of an eliminated risk." })
  recordFollowUpVisit(
    @Ctx() ctx: Context,
    @Arg("input", () => I.RecordFollowUpVisitInput) input: I.RecordFollowUpVisitInput,
  ) {
    return S.runStep(ctx, S.recordFollowUpVisit, input);
  }

  @FieldResolver(() => Household, { nullable: true, description: "The household." })
  household(@Root() c: CaseRow, @Ctx() ctx: Context) {
    return householdById(ctx).load(c.householdId);
  }

  @ListSize(20)
  @FieldResolver(() => [RiskAlert], { description: "The risk alerts that raised it." })
  async alerts(@Root() c: CaseRow, @Ctx() ctx: Context) {
    const links = await alertIdsByCase(ctx).load(c.rowId);
    const alerts = await alertById(ctx).loadMany(links.map((l) => l.alertId));
    return alerts.filter((a) => a && !(a instanceof Error));
  }

  @ListSize(20)
  @FieldResolver(() => [CaseObjection], { description: "Objections raised during the notice, oldest first." })
  async objections(@Root() c: CaseRow, @Ctx() ctx: Context) {
    return withId("CaseObjection", await objectionsByCase(ctx).load(c.rowId));
  }

  @ListSize(20)
  @FieldResolver(() => [AssistanceMeasure], { description: "Assistance measures, oldest first." })
  async assistance(@Root() c: CaseRow, @Ctx() ctx: Context) {
    return withId("AssistanceMeasure", await assistanceByCase(ctx).load(c.rowId));
  }

  @ListSize(10)
  @FieldResolver(() => [FollowUpVisit], { description: "Follow-up visits (due and made), earliest first." })
  async followUps(@Root() c: CaseRow, @Ctx() ctx: Context) {
    return withId("FollowUpVisit", await followUpsByCase(ctx).load(c.rowId));
  }
}

@Resolver(() => FollowUpVisit)
export class FollowUpResolver {
  @FieldResolver(() => MonitoringCase, { nullable: true, description: "The case it follows up." })
  case(@Root() visit: { caseId: number }, @Ctx() ctx: Context) {
    return caseById(ctx).load(visit.caseId);
  }
}

@Resolver(() => Household)
export class HouseholdCasesResolver {
  @ListSize(10)
  @FieldResolver(() => [MonitoringCase], { description: "The household's monitoring cases, newest first." })
  monitoringCases(@Root() household: HouseholdRow, @Ctx() ctx: Context) {
    return casesByHousehold(ctx).load(household.rowId);
  }
}

const VerifyCaseBatchInput = batchInput(I.VerifyCaseInput, "VerifyCase", "home visits (入户核实)");
const NoticeCaseBatchInput = batchInput(I.NoticeCaseInput, "NoticeCase", "village notices (村级公示)");
const ReviewCaseBatchInput = batchInput(I.ReviewCaseInput, "ReviewCase", "township reviews (乡镇审核)");
const ConfirmCaseBatchInput = batchInput(I.ConfirmCaseInput, "ConfirmCase", "county confirmations (县级确认)");
const RejectCaseBatchInput = batchInput(I.RejectCaseInput, "RejectCase", "case rejections");
const AssistanceBatchInput = batchInput(
  I.RecordAssistanceMeasureInput,
  "RecordAssistanceMeasure",
  "assistance measures (帮扶措施)",
);
const EliminateRiskBatchInput = batchInput(I.EliminateRiskInput, "EliminateRisk", "risk eliminations (风险消除)");
const FollowUpBatchInput = batchInput(I.RecordFollowUpVisitInput, "RecordFollowUpVisit", "follow-up visits (跟踪回访)");

const BATCH =
  "in one transaction, each record as the single step would be (same checks, refusals and after-writes), a result per record; idempotent under `idempotencyKey`.";

/** The batch forms of the case steps: a township's or county's sitting decides many cases at once. */
@Resolver()
export class CaseBatchResolver {
  @Mutation(() => BatchWriteResult, { description: `verifyCase for many cases ${BATCH}` })
  verifyCaseBatch(
    @Ctx() ctx: Context,
    @Arg("input", () => VerifyCaseBatchInput) input: BatchInputOf<I.VerifyCaseInput>,
  ) {
    return S.runStepBatch(ctx, S.verifyCase, input);
  }

  @Mutation(() => BatchWriteResult, { description: `noticeCase for many cases ${BATCH}` })
  noticeCaseBatch(
    @Ctx() ctx: Context,
    @Arg("input", () => NoticeCaseBatchInput) input: BatchInputOf<I.NoticeCaseInput>,
  ) {
    return S.runStepBatch(ctx, S.noticeCase, input);
  }

  @Mutation(() => BatchWriteResult, {
    description: `reviewCase for many cases (a township-level principal or wider) ${BATCH}`,
  })
  reviewCaseBatch(
    @Ctx() ctx: Context,
    @Arg("input", () => ReviewCaseBatchInput) input: BatchInputOf<I.ReviewCaseInput>,
  ) {
    return S.runStepBatch(ctx, S.reviewCase, input);
  }

  @Mutation(() => BatchWriteResult, {
    description: `confirmCase for many cases (a county-level principal or wider) ${BATCH}`,
  })
  confirmCaseBatch(
    @Ctx() ctx: Context,
    @Arg("input", () => ConfirmCaseBatchInput) input: BatchInputOf<I.ConfirmCaseInput>,
  ) {
    return S.runStepBatch(ctx, S.confirmCase, input);
  }

  @Mutation(() => BatchWriteResult, { description: `rejectCase for many cases ${BATCH}` })
  rejectCaseBatch(
    @Ctx() ctx: Context,
    @Arg("input", () => RejectCaseBatchInput) input: BatchInputOf<I.RejectCaseInput>,
  ) {
    return S.runStepBatch(ctx, S.rejectCase, input);
  }

  @Mutation(() => BatchWriteResult, { description: `recordAssistanceMeasure for many cases ${BATCH}` })
  recordAssistanceMeasureBatch(
    @Ctx() ctx: Context,
    @Arg("input", () => AssistanceBatchInput) input: BatchInputOf<I.RecordAssistanceMeasureInput>,
  ) {
    return S.runStepBatch(ctx, S.recordAssistance, input);
  }

  @Mutation(() => BatchWriteResult, { description: `eliminateRisk for many cases ${BATCH}` })
  eliminateRiskBatch(
    @Ctx() ctx: Context,
    @Arg("input", () => EliminateRiskBatchInput) input: BatchInputOf<I.EliminateRiskInput>,
  ) {
    return S.runStepBatch(ctx, S.eliminateRisk, input);
  }

  @Mutation(() => BatchWriteResult, { description: `recordFollowUpVisit for many cases ${BATCH}` })
  recordFollowUpVisitBatch(
    @Ctx() ctx: Context,
    @Arg("input", () => FollowUpBatchInput) input: BatchInputOf<I.RecordFollowUpVisitInput>,
  ) {
    return S.runStepBatch(ctx, S.recordFollowUpVisit, input);
  }
}
