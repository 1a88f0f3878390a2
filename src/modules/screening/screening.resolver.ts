import { ListSize } from "../../shared/list-size.js";
import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../context.js";
import { ForbiddenError } from "../../shared/errors.js";
import { assertRegionPrefix } from "../../shared/region-code.js";
import { RiskAlert, type AlertRow } from "../monitoring/alert.type.js";
import { SCREENING_RULES } from "./screening.rules.js";
import { runScreening } from "./screening.service.js";
import { ScreeningRuleCode, ScreeningRuleInfo, ScreeningRunResult } from "./screening.type.js";

@Resolver()
export class ScreeningResolver {
  @ListSize(50)
  @Query(() => [ScreeningRuleInfo], {
    description:
      "The cross-department screening rules (部门筛查预警): what each compares, whose data, which threshold.",
  })
  screeningRules(@Ctx() ctx: Context): ScreeningRuleInfo[] {
    const stewardOf = (key: string) => {
      const [type, field] = key.split(".") as [string, string];
      return ctx.access.policy?.rule(type, field)?.owner ?? null;
    };
    return SCREENING_RULES.map((r) => ({
      code: r.code,
      title: r.title,
      description: r.description,
      reads: [...r.reads],
      departments: [...new Set(r.reads.map(stewardOf).filter((d): d is string => d !== null))],
      threshold: r.threshold
        ? { config: r.threshold.config, value: Number(ctx.config[r.threshold.config]), meaning: r.threshold.meaning }
        : null,
    }));
  }

  @Mutation(() => ScreeningRunResult, {
    description:
      "Registry owner: run the cross-department screening now over a region in your scope (default: all of it). Households with an alert of a rule still being worked are not alerted again.",
  })
  async runScreening(
    @Ctx() ctx: Context,
    @Arg("regionCode", () => String, { nullable: true, description: "Region code prefix (default: your scope)." })
    regionCode?: string | null,
  ): Promise<ScreeningRunResult> {
    const { principal } = ctx.access;
    const region = regionCode ? assertRegionPrefix(regionCode) : principal.region;
    if (!region.startsWith(principal.region)) throw new ForbiddenError(`Region ${region} is outside your scope.`);
    const result = await runScreening(ctx.db, ctx.config, {
      region,
      department: ctx.access.policy?.rule("RiskAlert", "id")?.owner ?? principal.department,
      raisedBy: principal.id,
    });
    return { householdsScreened: result.householdsScreened, alertsRaised: result.alertsRaised, rules: result.rules };
  }
}

/** The field screening adds to the alerts it raises (the module owning the rules extends the type). */
@Resolver(() => RiskAlert)
export class AlertScreeningResolver {
  @FieldResolver(() => ScreeningRuleCode, {
    nullable: true,
    description: "For DEPARTMENT_SCREENING: the rule that found it.",
  })
  screeningRule(@Root() alert: AlertRow): string | null {
    return alert.screeningRule ?? null;
  }
}
