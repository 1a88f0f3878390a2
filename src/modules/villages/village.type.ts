import { Directive, Field, Float, ID, Int, ObjectType } from "type-graphql";
import { connectionType } from "../../shared/pagination.js";
import { VillagePovertyStatus } from "../../shared/enums.js";
import { NodeInterface } from "../../shared/node.js";

@Directive('@key(fields: "id")')
@ObjectType("Village", {
  implements: NodeInterface,
  description: "An administrative village (行政村 / 村委会) with its poverty status and infrastructure.",
})
export class Village {
  @Field(() => ID, { description: "Global id (also the federation key)." })
  id!: string;

  @Field(() => String, { description: "12-digit statistical code of the village." })
  code!: string;

  @Field(() => String, { description: "Name (村名)." })
  name!: string;

  @Field(() => String, { description: "Code of the township the village belongs to." })
  townshipCode!: string;

  @Field(() => VillagePovertyStatus, { description: "Poverty status (贫困村状态)." })
  povertyStatus!: string;

  @Field(() => Int, { nullable: true, description: "Year the village exited poverty (出列年份)." })
  exitYear!: number | null;

  @Field(() => Int, {
    description: "Registered population (户籍人口): everyone registered in the village, poor or not.",
  })
  registeredPopulation!: number;

  @Field(() => Int, { description: "Registered households (户籍户数), poor or not." })
  registeredHouseholds!: number;

  @Field(() => Int, {
    description:
      "Registered-poor population (建档立卡人口): the people of the registry's households at identification.",
  })
  registeredPoorPopulation!: number;

  @Field(() => Int, { description: "Registered-poor households (建档立卡户数) at identification." })
  registeredPoorHouseholds!: number;

  @Field(() => Boolean, { description: "Reached by a hardened road (通硬化路). Transport." })
  hasHardenedRoad!: boolean;

  @Field(() => Boolean, { description: "Served by a passenger bus (通客运). Transport." })
  hasBusService!: boolean;

  @Field(() => Float, { nullable: true, description: "Distance to the township seat in km (距乡镇距离). Transport." })
  distanceToTownshipKm!: number | null;

  @Field(() => Boolean, { description: "Has tap water (通自来水)." })
  hasTapWater!: boolean;

  @Field(() => Boolean, { description: "Drinking water is safe (饮水安全)." })
  drinkingWaterSafe!: boolean;

  @Field(() => Boolean, { description: "Power grid upgraded (通动力电)." })
  hasUpgradedPowerGrid!: boolean;

  @Field(() => Boolean, { description: "Has broadband (通宽带)." })
  hasBroadband!: boolean;

  @Field(() => Boolean, { description: "Has an information service point (信息服务站)." })
  hasInformationServicePoint!: boolean;

  @Field(() => Boolean, { description: "Has a village clinic (卫生室). Health." })
  hasClinic!: boolean;

  @Field(() => Boolean, { description: "Has a cultural room (文化室)." })
  hasCulturalRoom!: boolean;

  @Field(() => Boolean, { description: "Has a kindergarten (幼儿园). Education." })
  hasKindergarten!: boolean;

  @Field(() => Boolean, { description: "Has a primary school or teaching point (小学/教学点). Education." })
  hasPrimarySchool!: boolean;

  @Field(() => Float, { description: "Village collective-economy income, yuan per year (村集体经济收入)." })
  collectiveIncome!: number;

  @Field(() => Int, { description: "Row version, bumped by every write (optimistic concurrency)." })
  version!: number;
}

export const VillageConnection = connectionType(Village, "Village", "village");

export interface VillageRow {
  id: string;
  rowId: number;
  code: string;
  name: string;
  townshipCode: string;
  povertyStatus: string;
  registeredPopulation: number;
}

@ObjectType("VillageEvent", { description: "One change of a department-owned village field." })
export class VillageEvent {
  @Field(() => String, { description: "The field changed, e.g. Village.hasBusService." })
  field!: string;

  @Field(() => String, {
    nullable: true,
    description: "The value before (text as itself; a number, list or object as JSON); null when withheld.",
  })
  oldValue!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The value after (text as itself; a number, list or object as JSON); null when withheld.",
  })
  newValue!: string | null;

  @Field(() => Boolean, { description: "True when the field's values are not yours to see." })
  valuesWithheld!: boolean;

  @Field(() => String, { description: "Why (may be empty)." })
  reason!: string;

  @Field(() => String, { description: "Who recorded it." })
  recordedBy!: string;

  @Field(() => String, { description: "Department that recorded it." })
  department!: string;

  @Field(() => String, { description: "ISO timestamp when it was recorded." })
  recordedAt!: string;
}

export interface VillageEventRow extends VillageEvent {
  villageId: number;
}
