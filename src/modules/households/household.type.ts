import { Directive, Field, Float, ID, Int, ObjectType } from "type-graphql";
import {
  HouseholdAttribute,
  HouseholdEventKind,
  HouseholdStatus,
  HousingGrade,
  HousingPriority,
  MonitoringStatus,
  MonitoringType,
  PovertyCause,
} from "../../shared/enums.js";
import { NodeInterface } from "../../shared/node.js";
import { connectionType } from "../../shared/pagination.js";

@Directive('@key(fields: "id")')
@ObjectType("Household", {
  implements: NodeInterface,
  description: "A registered poor household (建档立卡户): status, causes, housing and relocation.",
})
export class Household {
  @Field(() => ID, { description: "Global id (also the federation key)." })
  id!: string;

  @Field(() => String, { description: "Household number (户编号): the village code plus a sequence." })
  householdNumber!: string;

  @Field(() => String, { description: "12-digit statistical code of the household's village." })
  villageCode!: string;

  @Field(() => String, { description: "Address (家庭住址)." })
  address!: string;

  @Field(() => HouseholdAttribute, { description: "Household attribute (贫困户属性)." })
  attribute!: string;

  @Field(() => HouseholdStatus, {
    description:
      "Poverty status in the registry (贫困状态): registered poor, exited, 返贫 or 致贫, or never registered poor. Monitoring never changes it (see `monitoringStatus`).",
  })
  status!: string;

  @Field(() => Int, { description: "Year the household was identified as poor (识别年份)." })
  identifiedYear!: number;

  @Field(() => Int, { nullable: true, description: "Year the household exited poverty (脱贫年份)." })
  exitedYear!: number | null;

  @Field(() => PovertyCause, { description: "Primary cause of poverty (主要致贫原因)." })
  primaryCause!: string;

  @Field(() => [PovertyCause], { description: "Other causes of poverty (其他致贫原因)." })
  otherCauses!: string[];

  @Field(() => HousingGrade, { nullable: true, description: "Housing safety grade (房屋安全等级). Housing." })
  housingGrade!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "ISO date (YYYY-MM-DD) the housing was assessed (鉴定日期). Housing.",
  })
  housingAssessedOn!: string | null;

  @Field(() => Boolean, { description: "The dangerous house has been renovated (危房已改造). Housing." })
  housingRenovated!: boolean;

  @Field(() => Int, { nullable: true, description: "Year of the renovation (改造年份). Housing." })
  housingRenovationYear!: number | null;

  @Field(() => HousingPriority, {
    nullable: true,
    description: "Renovation priority category (四类重点对象). Housing.",
  })
  housingPriority!: string | null;

  @Field(() => Boolean, { nullable: true, description: "Drinking water is safe (饮水安全); null if not assessed." })
  drinkingWaterSafe!: boolean | null;

  @Field(() => Boolean, { description: "Relocated from inhospitable areas (易地扶贫搬迁)." })
  relocated!: boolean;

  @Field(() => Int, { nullable: true, description: "Year of the relocation (搬迁年份)." })
  relocationYear!: number | null;

  @Field(() => MonitoringStatus, {
    description:
      "Return-to-poverty monitoring (监测状态), apart from the poverty status: under monitoring or risk eliminated, set only by a monitoring case.",
  })
  monitoringStatus!: string;

  @Field(() => MonitoringType, {
    nullable: true,
    description:
      "Monitoring type (监测对象类型) while monitored, kept once the risk is eliminated; null if never monitored.",
  })
  monitoringType!: string | null;

  @Field(() => Int, { description: "Row version, bumped by every write (optimistic concurrency)." })
  version!: number;

  @Field(() => String, { description: "ISO timestamp when the record was created (建档时间)." })
  createdAt!: string;

  @Field(() => String, { description: "ISO timestamp of the last change." })
  updatedAt!: string;
}

export const HouseholdConnection = connectionType(Household, "Household", "household");

@ObjectType("HouseholdIncome", {
  implements: NodeInterface,
  description: "A household's income of one year, by kind (家庭年收入), in yuan.",
})
export class HouseholdIncome {
  @Field(() => ID, { description: "Global id (its changes come through the change feed under it)." })
  id!: string;

  @Field(() => Int, { description: "Year (年度)." })
  year!: number;

  @Field(() => Float, { description: "Wage income (工资性收入)." })
  wages!: number;

  @Field(() => Float, { description: "Production and business income (生产经营性收入)." })
  production!: number;

  @Field(() => Float, { description: "Property income (财产性收入)." })
  property!: number;

  @Field(() => Float, { description: "Transfer income (转移性收入)." })
  transfer!: number;

  @Field(() => Float, { description: "Production and business costs (生产经营性支出)." })
  productionCosts!: number;

  @Field(() => Float, { description: "Per-capita net income (人均纯收入)." })
  perCapitaNetIncome!: number;

  @Field(() => Int, {
    nullable: true,
    description:
      "People the per-capita figure divides by (家庭人口, as verified); null for incomes loaded before it was recorded.",
  })
  persons!: number | null;

  @Field(() => String, { nullable: true, description: "Who verified the figures (核实人 / 核实单位)." })
  verifiedBy!: string | null;

  @Field(() => String, { nullable: true, description: "ISO date of the verification." })
  verifiedOn!: string | null;
}

@ObjectType("HouseholdEvent", {
  description: "One entry of a household's history (动态管理): a status change or a field change, never overwritten.",
})
export class HouseholdEvent {
  @Field(() => ID, { description: "Event sequence number (increasing)." })
  id!: string;

  @Field(() => HouseholdEventKind, { description: "What the event records." })
  kind!: string;

  @Field(() => String, { description: "ISO date (YYYY-MM-DD) the change took effect." })
  occurredOn!: string;

  @Field(() => HouseholdStatus, {
    nullable: true,
    description: "Poverty status before a status event (monitoring events leave it as it was).",
  })
  fromStatus!: string | null;

  @Field(() => HouseholdStatus, { nullable: true, description: "Poverty status after a status event." })
  toStatus!: string | null;

  @Field(() => String, { nullable: true, description: "The field changed (for FIELD_CHANGED)." })
  field!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The value before (text as itself; a number, list or object as JSON); null when withheld (see `valuesWithheld`).",
  })
  oldValue!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The value after (text as itself; a number, list or object as JSON); null when withheld (see `valuesWithheld`).",
  })
  newValue!: string | null;

  @Field(() => Boolean, {
    description:
      "True when the values of the changed field are not yours to see (e.g. a medical expense, for education): the event is listed, its values are not.",
  })
  valuesWithheld!: boolean;

  @Field(() => String, { description: "Why (变更原因)." })
  reason!: string;

  @Field(() => String, { description: "Who recorded it (登记人)." })
  recordedBy!: string;

  @Field(() => String, { description: "Department that recorded it (登记部门)." })
  department!: string;

  @Field(() => String, { description: "ISO timestamp when it was recorded." })
  recordedAt!: string;
}

export interface HouseholdRow {
  id: string;
  rowId: number;
  householdNumber: string;
  villageCode: string;
  identifiedYear: number;
  status?: string;
  monitoringStatus?: string;
  monitoringType?: string | null;
}

export interface HouseholdIncomeRow {
  id: string;
  rowId: number;
  householdId: number;
  year: number;
}

export interface HouseholdEventRow {
  id: number;
  householdId: number;
  occurredOn: string;
  toStatus?: string | null;
  newValue?: unknown;
}
