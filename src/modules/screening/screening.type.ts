import { Field, Float, Int, ObjectType, registerEnumType } from "type-graphql";
import { SCREENING_RULES } from "./screening.rules.js";

/** The rules' codes as a GraphQL enum, derived from their declarations (one list). */
export const ScreeningRuleCode = Object.fromEntries(SCREENING_RULES.map((r) => [r.code, r.code])) as {
  [K in (typeof SCREENING_RULES)[number]["code"]]: K;
};

registerEnumType(ScreeningRuleCode, {
  name: "ScreeningRule",
  description: "A cross-department screening rule (部门筛查规则).",
  valuesConfig: Object.fromEntries(
    SCREENING_RULES.map((r) => [r.code, { description: `${r.title} ${r.description}` }]),
  ),
});

@ObjectType("ScreeningThreshold", { description: "Where a rule's threshold comes from: a configuration variable." })
export class ScreeningThreshold {
  @Field(() => String, { description: "The configuration variable." })
  config!: string;

  @Field(() => Float, { description: "Its value on this server." })
  value!: number;

  @Field(() => String, { description: "What it means." })
  meaning!: string;
}

@ObjectType("ScreeningRuleInfo", { description: "A screening rule as declared: what it compares and whose data." })
export class ScreeningRuleInfo {
  @Field(() => ScreeningRuleCode, { description: "The rule." })
  code!: string;

  @Field(() => String, { description: "Its name (中文)." })
  title!: string;

  @Field(() => String, { description: "What it finds." })
  description!: string;

  @Field(() => [String], { description: "The fields it reads (Type.field)." })
  reads!: string[];

  @Field(() => [String], {
    description: "The departments whose data it compares: the stewards of those fields in the policy.",
  })
  departments!: string[];

  @Field(() => ScreeningThreshold, { nullable: true, description: "Its threshold, when it has one." })
  threshold!: ScreeningThreshold | null;
}

@ObjectType("ScreeningRuleResult", { description: "What one rule found in a run." })
export class ScreeningRuleResult {
  @Field(() => ScreeningRuleCode, { description: "The rule." })
  rule!: string;

  @Field(() => Int, { description: "Households it found." })
  found!: number;

  @Field(() => Int, {
    description: "Alerts it raised (households already under an active alert of the rule are not alerted again).",
  })
  raised!: number;
}

@ObjectType("ScreeningRunResult", { description: "The outcome of a screening run." })
export class ScreeningRunResult {
  @Field(() => Int, { description: "Households in the region screened." })
  householdsScreened!: number;

  @Field(() => Int, { description: "Alerts raised in all." })
  alertsRaised!: number;

  @Field(() => [ScreeningRuleResult], { description: "Per rule." })
  rules!: ScreeningRuleResult[];
}
