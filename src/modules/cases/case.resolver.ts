import { ListSize } from "../../shared/list-size.js";
import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
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
