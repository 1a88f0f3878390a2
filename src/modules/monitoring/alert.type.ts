import { ListSize } from "../../shared/list-size.js";
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { NodeInterface } from "../../shared/node.js";
import { connectionType } from "../../shared/pagination.js";
import { GuaranteeItemKind } from "./guarantee.type.js";
import { Reads } from "../../access/reads.js";

export const AlertSignal = {
  GUARANTEE_UNMET: "GUARANTEE_UNMET",
  MEDICAL_EXPENSE: "MEDICAL_EXPENSE",
  UNSAFE_HOUSING: "UNSAFE_HOUSING",
  SCHOOL_DROPOUT: "SCHOOL_DROPOUT",
  INCOME_DROP: "INCOME_DROP",
  RIGID_EXPENDITURE: "RIGID_EXPENDITURE",
  DEPARTMENT_SCREENING: "DEPARTMENT_SCREENING",
} as const;
export type AlertSignal = (typeof AlertSignal)[keyof typeof AlertSignal];

registerEnumType(AlertSignal, {
  name: "AlertSignal",
  description: "What raised a risk alert (预警信号).",
  valuesConfig: {
    GUARANTEE_UNMET: { description: "两不愁三保障 An item of the guarantees turned UNMET." },
    MEDICAL_EXPENSE: { description: "大额医疗支出 A member's out-of-pocket medical expense crossed its threshold." },
    UNSAFE_HOUSING: { description: "危房 A housing assessment returned grade C or D." },
    SCHOOL_DROPOUT: { description: "辍学 A member of compulsory-school age dropped out." },
    INCOME_DROP: {
      description: "收入大幅缩减 Per-capita net income fell by more than INCOME_DROP_ALERT_SHARE from the year before.",
    },
    RIGID_EXPENDITURE: {
      description: "刚性支出过大 A year's rigid expenditure exceeded RIGID_EXPENDITURE_ALERT_SHARE of the net income.",
    },
    DEPARTMENT_SCREENING: {
      description: "部门筛查预警 A screening run found the departments' data in conflict (see `screeningRule`).",
    },
  },
});

export const AlertStatus = {
  OPEN: "OPEN",
  VERIFIED: "VERIFIED",
  ASSISTING: "ASSISTING",
  RESOLVED: "RESOLVED",
  DISMISSED: "DISMISSED",
} as const;
export type AlertStatus = (typeof AlertStatus)[keyof typeof AlertStatus];

registerEnumType(AlertStatus, {
  name: "AlertStatus",
  description: "Where an alert stands: OPEN → VERIFIED → ASSISTING → RESOLVED, or DISMISSED.",
  valuesConfig: {
    OPEN: { description: "待核实 Raised, not yet verified." },
    VERIFIED: { description: "已核实 Verified by a visit." },
    ASSISTING: { description: "帮扶中 Assistance under way." },
    RESOLVED: { description: "风险消除 Risk eliminated." },
    DISMISSED: { description: "已排除 Dismissed: no risk after all." },
  },
});

export const AlertOrder = { NEWEST: "NEWEST", OLDEST: "OLDEST" } as const;
registerEnumType(AlertOrder, {
  name: "AlertOrder",
  description: "Order of alerts.",
  valuesConfig: { NEWEST: { description: "Newest first." }, OLDEST: { description: "Oldest first." } },
});

/** The fields each ordering reads (access/reads.ts): ordering by a field asks about its values. */
export const ALERT_ORDER_READS: Record<keyof typeof AlertOrder, string[]> = {
  NEWEST: ["id"],
  OLDEST: ["id"],
};

@ObjectType("AlertEvidence", {
  description:
    "One side of a screening finding: a field of one department's data and its value, withheld when you may not read that field.",
})
export class AlertEvidence {
  @Field(() => String, { description: "The field compared, e.g. Member.receivesLowIncomeAllowance." })
  field!: string;

  @Field(() => String, {
    nullable: true,
    description: "The department that stewards the field, as the policy assigns it (null when the field has no rule).",
  })
  department!: string | null;

  @Field(() => String, { nullable: true, description: "Its value, as JSON text; null when withheld." })
  value!: string | null;

  @Field(() => Int, { nullable: true, description: "The year of the value (incomes); null when withheld or none." })
  year!: number | null;

  @Field(() => Int, { nullable: true, description: "How many members it concerns; null when withheld or none." })
  members!: number | null;

  @Field(() => Boolean, { description: "True when the value is of a field you may not read." })
  valuesWithheld!: boolean;
}

@ObjectType("AlertTrigger", { description: "The data that raised an alert." })
export class AlertTrigger {
  @Field(() => String, { description: "The field whose change raised it, e.g. Member.medicalExpenseOutOfPocket." })
  field!: string;

  @Field(() => String, {
    nullable: true,
    description: "Its value before (text as itself; a number, list or object as JSON); null when withheld.",
  })
  oldValue!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Its value after (text as itself; a number, list or object as JSON); null when withheld.",
  })
  newValue!: string | null;

  @Field(() => Float, { nullable: true, description: "The threshold crossed (yuan), for MEDICAL_EXPENSE." })
  threshold!: number | null;

  @Field(() => String, { nullable: true, description: "The guarantee item's basis after the change." })
  basis!: string | null;

  @Field(() => Boolean, {
    description: "True when the values are of a field you may not read: the alert is shown, its values are not.",
  })
  valuesWithheld!: boolean;

  @ListSize(10)
  @Field(() => [AlertEvidence], {
    description: "For DEPARTMENT_SCREENING: each department's side of the finding; empty for other signals.",
  })
  evidence!: AlertEvidence[];
}

@ObjectType("AlertEvent", { description: "One step of an alert's workflow." })
export class AlertEvent {
  @Field(() => AlertStatus, { nullable: true, description: "Status before (null when raised)." })
  fromStatus!: string | null;

  @Field(() => AlertStatus, { description: "Status after." })
  toStatus!: string;

  @Field(() => String, { description: "Why (核实情况、帮扶措施)." })
  note!: string;

  @Field(() => String, { description: "Who recorded it." })
  recordedBy!: string;

  @Field(() => String, { description: "Department that recorded it." })
  department!: string;

  @Field(() => String, { description: "ISO timestamp." })
  recordedAt!: string;
}

@ObjectType("RiskAlert", {
  implements: NodeInterface,
  description: "A return-to-poverty risk alert (防止返贫监测预警) on a household.",
})
export class RiskAlert {
  @Field(() => ID, { description: "Global id." })
  id!: string;

  @Field(() => AlertSignal, { description: "What raised it." })
  signal!: string;

  @Field(() => GuaranteeItemKind, { nullable: true, description: "For GUARANTEE_UNMET: the item that turned unmet." })
  guaranteeItem!: string | null;

  @Field(() => AlertStatus, { description: "Where it stands in the workflow." })
  status!: string;

  @Field(() => String, { description: "The department whose write raised it." })
  department!: string;

  @Field(() => String, { description: "The principal whose write raised it." })
  raisedBy!: string;

  @Field(() => String, { description: "ISO timestamp when it was raised." })
  raisedAt!: string;

  @Field(() => String, { description: "12-digit code of the household's village." })
  villageCode!: string;

  @Field(() => Int, { description: "Row version, for advancing the workflow." })
  version!: number;

  @Field(() => String, { description: "ISO timestamp of the last change." })
  updatedAt!: string;
}

export interface AlertRow {
  id: string;
  rowId: number;
  householdId: number;
  memberId: number | null;
  helperCadreId: number | null;
  villageCode: string;
  trigger: Record<string, unknown>;
  raisedAt: string;
  signal?: string;
  status?: string;
  /** For DEPARTMENT_SCREENING: the rule that found it (the screening module serves the field). */
  screeningRule?: string | null;
}

export interface AlertEventRow extends AlertEvent {
  alertId: number;
}

export const AlertConnection = connectionType(RiskAlert, "RiskAlert", "risk alert");

@InputType("DayRange", { description: "A range of ages in days, both ends included." })
export class DayRange {
  @Field(() => Int, { nullable: true, description: "At least this many days old." })
  from?: number | null;

  @Field(() => Int, { nullable: true, description: "At most this many days old." })
  to?: number | null;
}

@InputType("AlertFilter", { description: "Which alerts: all conditions must hold." })
export class AlertFilter {
  @Reads()
  @Field(() => String, { nullable: true, description: "Under this region (2–12 digit code prefix)." })
  regionCode?: string | null;

  @Reads("status")
  @Field(() => [AlertStatus], { nullable: true, description: "In any of these statuses." })
  status?: string[] | null;

  @Reads("signal")
  @Field(() => [AlertSignal], { nullable: true, description: "Raised by any of these signals." })
  signal?: string[] | null;

  @Reads("department")
  @Field(() => [String], { nullable: true, description: "Raised by a write of any of these departments." })
  department?: string[] | null;

  @Reads("raisedAt")
  @Field(() => DayRange, {
    nullable: true,
    description: "Age in whole days since raised (e.g. from: 7 = a week or older).",
  })
  ageDays?: DayRange | null;
}

@InputType("AdvanceAlertInput", { description: "Move an alert one step in its workflow, saying why." })
export class AdvanceAlertInput {
  @Field(() => ID, { description: "The alert." })
  alertId!: string;

  @Field(() => Int, { description: "The version you read (a stale version is a CONFLICT)." })
  version!: number;

  @Field(() => AlertStatus, {
    description:
      "The next status: VERIFIED (from OPEN), ASSISTING (from VERIFIED), RESOLVED (from ASSISTING), DISMISSED (from OPEN or VERIFIED).",
  })
  to!: string;

  @Field(() => String, { description: "What the visit found or what is being done (required)." })
  note!: string;
}
