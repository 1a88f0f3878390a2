import { Arg, Args, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import type { Context } from "../../context.js";
import { PageArgs } from "../../shared/pagination.js";
import { cadreById } from "../agencies/cadre.loader.js";
import { Cadre } from "../agencies/cadre.type.js";
import { householdById } from "../households/household.loader.js";
import { Household, type HouseholdRow } from "../households/household.type.js";
import { memberById } from "../households/member.loader.js";
import { Member } from "../households/member.type.js";
import { runOwnedWrite } from "../../writes/owned-write.js";
import { AlertWriteResult } from "./alert.target.js";
import { alertEventsByAlert, alertsByHousehold } from "./alert.loader.js";
import { alertStream } from "./alert.stream.js";
import { advanceAlert, ageDays, alertTrigger, assertRegionWithinScope, listAlerts } from "./alert.service.js";
import {
  AdvanceAlertInput,
  AlertConnection,
  AlertEvent,
  AlertFilter,
  AlertOrder,
  AlertTrigger,
  RiskAlert,
  type AlertRow,
  ALERT_ORDER_READS,
} from "./alert.type.js";
import { ListSize } from "../../shared/list-size.js";
import { ArgumentReads } from "../../access/reads.js";

@Resolver(() => RiskAlert)
export class AlertResolver {
  @ArgumentReads({ orderBy: ALERT_ORDER_READS })
  @Query(() => AlertConnection, {
    description: "Risk alerts in your region, newest first: filter by region, status, signal, department, age.",
  })
  alerts(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => AlertFilter, { nullable: true, description: "Which alerts." }) filter?: AlertFilter | null,
    @Arg("orderBy", () => AlertOrder, { defaultValue: AlertOrder.NEWEST, description: "Order." }) orderBy?: string,
  ) {
    return listAlerts(ctx, filter, orderBy ?? AlertOrder.NEWEST, page);
  }

  @Mutation(() => AlertWriteResult, {
    description: "Registry owner: move an alert one step (verify, assist, resolve 风险消除, or dismiss), saying why.",
  })
  advanceAlert(@Ctx() ctx: Context, @Arg("input", () => AdvanceAlertInput) input: AdvanceAlertInput) {
    return runOwnedWrite(ctx, advanceAlert, input);
  }

  @ArgumentReads({ regionCode: [] })
  @Subscription(() => RiskAlert, {
    description:
      "Each risk alert raised in your region (or under `regionCode`), as its write commits — over graphql-ws on /graphql.",
    subscribe: ({ args, context }) => {
      const { regionCode } = args as { regionCode?: string | null };
      return alertStream(
        context as Context,
        regionCode ? assertRegionWithinScope(context as Context, regionCode) : null,
      );
    },
  })
  alertRaised(
    @Root() alert: AlertRow,
    @Arg("regionCode", () => String, { nullable: true, description: "Only under this region (2–12 digit prefix)." })
    _regionCode?: string | null,
  ) {
    return alert;
  }

  @FieldResolver(() => AlertTrigger, { description: "The data that raised it." })
  trigger(@Root() alert: AlertRow, @Ctx() ctx: Context) {
    return alertTrigger(ctx, alert);
  }

  @FieldResolver(() => Int, { description: "Whole days since it was raised." })
  ageDays(@Root() alert: AlertRow) {
    return ageDays(alert);
  }

  @FieldResolver(() => Household, { nullable: true, description: "The household at risk." })
  household(@Root() alert: AlertRow, @Ctx() ctx: Context) {
    return householdById(ctx).load(alert.householdId);
  }

  @FieldResolver(() => Member, { nullable: true, description: "The member concerned, for member signals." })
  member(@Root() alert: AlertRow, @Ctx() ctx: Context) {
    return alert.memberId == null ? null : memberById(ctx).load(alert.memberId);
  }

  @FieldResolver(() => Cadre, {
    nullable: true,
    description: "The household's helper (帮扶责任人) when it was raised.",
  })
  helper(@Root() alert: AlertRow, @Ctx() ctx: Context) {
    return alert.helperCadreId == null ? null : cadreById(ctx).load(alert.helperCadreId);
  }

  @ListSize(20)
  @FieldResolver(() => [AlertEvent], { description: "Every step of its workflow, oldest first." })
  events(@Root() alert: AlertRow, @Ctx() ctx: Context) {
    return alertEventsByAlert(ctx).load(alert.rowId);
  }
}

@Resolver(() => Household)
export class HouseholdAlertsResolver {
  @ListSize(50)
  @FieldResolver(() => [RiskAlert], { description: "The household's risk alerts, newest first." })
  alerts(@Root() household: HouseholdRow, @Ctx() ctx: Context) {
    return alertsByHousehold(ctx).load(household.rowId);
  }
}
