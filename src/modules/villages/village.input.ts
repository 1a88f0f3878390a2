import { Field, InputType, Int, registerEnumType } from "type-graphql";
import { VillagePovertyStatus } from "../../shared/enums.js";
import { Reads } from "../../access/reads.js";

@InputType("IntRange", { description: "An inclusive range of integers (e.g. years)." })
export class IntRange {
  @Field(() => Int, { nullable: true, description: "At least this value." })
  from?: number | null;

  @Field(() => Int, { nullable: true, description: "At most this value." })
  to?: number | null;
}

@InputType("VillageFilter", { description: "Which villages to list; all conditions must hold." })
export class VillageFilter {
  @Reads()
  @Field(() => String, { nullable: true, description: "Only villages under this region code prefix (e.g. 431221)." })
  regionCode?: string | null;

  @Reads("povertyStatus")
  @Field(() => [VillagePovertyStatus], { nullable: true, description: "Only villages with one of these statuses." })
  povertyStatus?: string[] | null;

  @Reads("exitYear")
  @Field(() => IntRange, { nullable: true, description: "Only villages that exited in these years." })
  exitYear?: IntRange | null;

  @Reads("hasHardenedRoad")
  @Field(() => Boolean, {
    nullable: true,
    description: "Only villages with (true) or without (false) a hardened road.",
  })
  hasHardenedRoad?: boolean | null;

  @Reads("hasBusService")
  @Field(() => Boolean, { nullable: true, description: "Only villages with (true) or without (false) bus service." })
  hasBusService?: boolean | null;
}

export enum VillageOrder {
  CODE = "CODE",
  NAME = "NAME",
  POPULATION_DESC = "POPULATION_DESC",
}

registerEnumType(VillageOrder, {
  name: "VillageOrder",
  description: "Orders for village lists.",
  valuesConfig: {
    CODE: { description: "By statistical code (按区划代码), the default." },
    NAME: { description: "By name (按村名)." },
    POPULATION_DESC: { description: "Most populous first (按人口降序)." },
  },
});

/** The fields each ordering reads (access/reads.ts): ordering by a field asks about its values. */
export const VILLAGE_ORDER_READS: Record<VillageOrder, string[]> = {
  CODE: ["code"],
  NAME: ["name"],
  POPULATION_DESC: ["registeredPopulation"],
};
