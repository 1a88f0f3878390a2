import { Arg, Args, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../context.js";
import { PageArgs } from "../../shared/pagination.js";
import { Household } from "./household.type.js";
import { MemberFilter, MemberOrder, MEMBER_ORDER_READS } from "./member.input.js";
import { getMember, listMembers, memberAge, memberHousehold } from "./member.service.js";
import { Member, MemberConnection, type MemberRow } from "./member.type.js";
import { ArgumentReads } from "../../access/reads.js";

@Resolver(() => Member)
export class MemberResolver {
  @ArgumentReads({ id: [] })
  @Query(() => Member, {
    nullable: true,
    description: "A household member by id; null if unknown or out of your scope.",
  })
  member(@Ctx() ctx: Context, @Arg("id", () => ID) id: string) {
    return getMember(ctx, id);
  }

  @ArgumentReads({ orderBy: MEMBER_ORDER_READS })
  @Query(() => MemberConnection, {
    description: "Members of registered households, a keyset-paginated page at a time.",
  })
  members(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) args: PageArgs,
    @Arg("filter", () => MemberFilter, { nullable: true }) filter?: MemberFilter,
    @Arg("orderBy", () => MemberOrder, { nullable: true, defaultValue: MemberOrder.ID }) orderBy?: MemberOrder,
  ) {
    return listMembers(ctx, filter ?? {}, orderBy, args);
  }

  @FieldResolver(() => Int, { description: "Age in completed years today (年龄), derived from the birth date." })
  age(@Root() member: MemberRow) {
    return memberAge(member);
  }

  @FieldResolver(() => Household, { nullable: true, description: "The member's household (所在户)." })
  household(@Root() member: MemberRow, @Ctx() ctx: Context) {
    return memberHousehold(ctx, member);
  }
}
