import { Arg, Args, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../context.js";
import { PageArgs } from "../../shared/pagination.js";
import { Region } from "../regions/region.type.js";
import { villageById } from "../villages/village.loader.js";
import { Village } from "../villages/village.type.js";
import { currentVillagesByAgency, villageAssignmentsByAgency } from "./assignment.loader.js";
import { VillageAssignment, type VillageAssignmentRow } from "./assignment.type.js";
import { AgencyFilter, AgencyOrder, AGENCY_ORDER_READS } from "./agency.input.js";
import { agencyById } from "./agency.loader.js";
import { agencyCadres, agencyRegion, getAgency, listAgencies } from "./agency.service.js";
import { Agency, AgencyConnection, type AgencyRow } from "./agency.type.js";
import { Cadre } from "./cadre.type.js";
import { ListSize } from "../../shared/list-size.js";
import { ArgumentReads } from "../../access/reads.js";

@Resolver(() => Agency)
export class AgencyResolver {
  @ArgumentReads({ id: [] })
  @Query(() => Agency, { nullable: true, description: "An agency (帮扶单位) by id; null if unknown." })
  agency(@Ctx() ctx: Context, @Arg("id", () => ID) id: string) {
    return getAgency(ctx, id);
  }

  @ArgumentReads({ orderBy: AGENCY_ORDER_READS })
  @Query(() => AgencyConnection, { description: "Helping agencies (帮扶单位), a keyset-paginated page at a time." })
  agencies(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) args: PageArgs,
    @Arg("filter", () => AgencyFilter, { nullable: true }) filter?: AgencyFilter,
    @Arg("orderBy", () => AgencyOrder, { nullable: true, defaultValue: AgencyOrder.NAME }) orderBy?: AgencyOrder,
  ) {
    return listAgencies(ctx, filter ?? {}, orderBy, args);
  }

  @ListSize(50)
  @FieldResolver(() => [Village], {
    description: "The villages (in your scope) the agency is currently paired with (结对帮扶村).",
  })
  villages(@Root() agency: AgencyRow, @Ctx() ctx: Context) {
    return currentVillagesByAgency(ctx).load(agency.rowId);
  }

  @ListSize(100)
  @FieldResolver(() => [VillageAssignment], {
    description: "Every pairing with a village in your scope, history included, latest first.",
  })
  villageAssignments(@Root() agency: AgencyRow, @Ctx() ctx: Context) {
    return villageAssignmentsByAgency(ctx).load(agency.rowId);
  }

  @FieldResolver(() => [Cadre], { description: "The agency's cadres (帮扶干部) by name, at most `first` (≤ 500)." })
  cadres(
    @Root() agency: AgencyRow,
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { defaultValue: 100, description: "How many cadres, at most 500." }) first: number,
  ) {
    return agencyCadres(ctx, agency, first);
  }

  @FieldResolver(() => Region, {
    nullable: true,
    description: "The region the agency belongs to; null for central agencies.",
  })
  region(@Root() agency: AgencyRow, @Ctx() ctx: Context) {
    return agencyRegion(ctx, agency);
  }
}

@Resolver(() => VillageAssignment)
export class VillageAssignmentResolver {
  @FieldResolver(() => Agency, { nullable: true, description: "The helping agency." })
  agency(@Root() assignment: VillageAssignmentRow, @Ctx() ctx: Context) {
    return agencyById(ctx).load(assignment.agencyId);
  }

  @FieldResolver(() => Village, { nullable: true, description: "The paired village; null if outside your scope." })
  village(@Root() assignment: VillageAssignmentRow, @Ctx() ctx: Context) {
    return villageById(ctx).load(assignment.villageId);
  }
}
