import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../context.js";
import { CadreVillageRole } from "../../shared/enums.js";
import { PageArgs } from "../../shared/pagination.js";
import { Household } from "../households/household.type.js";
import { Village } from "../villages/village.type.js";
import { agencyById } from "./agency.loader.js";
import { Agency } from "./agency.type.js";
import { CadreFilter, CadreOrder, CADRE_ORDER_READS } from "./cadre.input.js";
import { cadreVillage, cadreVillageRole, getCadre, householdsHelped, listCadres } from "./cadre.service.js";
import { Cadre, CadreConnection, type CadreRow } from "./cadre.type.js";
import { ListSize } from "../../shared/list-size.js";
import { ArgumentReads } from "../../access/reads.js";

@Resolver(() => Cadre)
export class CadreResolver {
  @ArgumentReads({ id: [] })
  @Query(() => Cadre, { nullable: true, description: "A cadre (帮扶干部) by id; null if unknown." })
  cadre(@Ctx() ctx: Context, @Arg("id", () => ID) id: string) {
    return getCadre(ctx, id);
  }

  @ArgumentReads({ orderBy: CADRE_ORDER_READS })
  @Query(() => CadreConnection, { description: "Cadres (帮扶干部), a keyset-paginated page at a time." })
  cadres(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) args: PageArgs,
    @Arg("filter", () => CadreFilter, { nullable: true }) filter?: CadreFilter,
    @Arg("orderBy", () => CadreOrder, { nullable: true, defaultValue: CadreOrder.NAME }) orderBy?: CadreOrder,
  ) {
    return listCadres(ctx, filter ?? {}, orderBy, args);
  }

  @FieldResolver(() => Agency, { nullable: true, description: "The agency the cadre works for (所在单位)." })
  agency(@Root() cadre: CadreRow, @Ctx() ctx: Context) {
    return agencyById(ctx).load(cadre.agencyId);
  }

  @ListSize(50)
  @FieldResolver(() => [Household], {
    description: "The households (in your scope) the cadre currently helps as responsible helper (帮扶户).",
  })
  householdsHelped(@Root() cadre: CadreRow, @Ctx() ctx: Context) {
    return householdsHelped(ctx, cadre);
  }

  @FieldResolver(() => Village, {
    nullable: true,
    description: "The village where the cadre currently serves (驻村), if any and in your scope.",
  })
  village(@Root() cadre: CadreRow, @Ctx() ctx: Context) {
    return cadreVillage(ctx, cadre);
  }

  @FieldResolver(() => CadreVillageRole, {
    nullable: true,
    description: "The cadre's current role in that village (驻村职务).",
  })
  villageRole(@Root() cadre: CadreRow, @Ctx() ctx: Context) {
    return cadreVillageRole(ctx, cadre);
  }
}
