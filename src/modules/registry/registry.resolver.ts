import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { Context } from "../../context.js";
import { HouseholdWriteResult, MemberWriteResult } from "../stewardship/stewardship.type.js";
import {
  AssignHelperInput,
  RecordLabourInput,
  RegisterHouseholdInput,
  RegisterMemberInput,
} from "./household-registration.input.js";
import { assignHelper, recordLabour, registerHousehold, registerMember } from "./household-registration.service.js";

/** The registry owner's (乡村振兴局) writes to households and members, named for what its officers do. */
@Resolver()
export class HouseholdRegistrationResolver {
  @Mutation(() => HouseholdWriteResult, {
    description: "Registry owner: identify and register a household (建档立卡) with its members.",
  })
  registerHousehold(@Ctx() ctx: Context, @Arg("input", () => RegisterHouseholdInput) input: RegisterHouseholdInput) {
    return registerHousehold(ctx, input);
  }

  @Mutation(() => HouseholdWriteResult, { description: "Registry owner: add a member to a registered household." })
  registerMember(@Ctx() ctx: Context, @Arg("input", () => RegisterMemberInput) input: RegisterMemberInput) {
    return registerMember(ctx, input);
  }

  @Mutation(() => MemberWriteResult, {
    description: "Registry owner: record a member's labour capacity and employment.",
  })
  recordLabour(@Ctx() ctx: Context, @Arg("input", () => RecordLabourInput) input: RecordLabourInput) {
    return recordLabour(ctx, input);
  }

  @Mutation(() => HouseholdWriteResult, {
    description:
      "Registry owner: make a cadre the household's responsible helper (帮扶责任人), ending the current one.",
  })
  assignHelper(@Ctx() ctx: Context, @Arg("input", () => AssignHelperInput) input: AssignHelperInput) {
    return assignHelper(ctx, input);
  }
}
