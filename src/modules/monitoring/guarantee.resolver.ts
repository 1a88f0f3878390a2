import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../context.js";
import { Household, HouseholdConnection, type HouseholdRow } from "../households/household.type.js";
import { householdGuarantees, listHouseholdsWithUnmetGuarantees } from "./guarantee.service.js";
import { GuaranteeItemKind, Guarantees } from "./guarantee.type.js";
import { ArgumentReads } from "../../access/reads.js";

@Resolver(() => Household)
export class HouseholdGuaranteesResolver {
  @FieldResolver(() => Guarantees, {
    description:
      "The household's two assurances and three guarantees (两不愁三保障), each MET, UNMET or UNKNOWN with the data behind it.",
  })
  guarantees(@Root() household: HouseholdRow, @Ctx() ctx: Context) {
    return householdGuarantees(ctx, household);
  }

  @ArgumentReads({ item: ["guarantees"], regionCode: [] })
  @Query(() => HouseholdConnection, {
    description:
      "Households with an UNMET item of 两不愁三保障 (the given item, or any), keyset-paginated by id (return-to-poverty monitoring).",
  })
  householdsWithUnmetGuarantees(
    @Ctx() ctx: Context,
    @Arg("regionCode", () => String, {
      nullable: true,
      description: "Only under this region (2–12 digit code prefix).",
    })
    regionCode?: string | null,
    @Arg("item", () => GuaranteeItemKind, { nullable: true, description: "Only this item; default: any item." })
    item?: GuaranteeItemKind | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50, description: "Return the first N households." })
    first?: number | null,
    @Arg("after", () => String, { nullable: true, description: "Cursor of the household to start after." })
    after?: string | null,
  ) {
    return listHouseholdsWithUnmetGuarantees(ctx, regionCode, item, { first: first ?? 50, after });
  }
}
