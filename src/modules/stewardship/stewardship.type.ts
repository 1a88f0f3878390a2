import { Field, Int, ObjectType } from "type-graphql";
import { Household } from "../households/household.type.js";
import { Member } from "../households/member.type.js";
import { Village } from "../villages/village.type.js";

@ObjectType("InputError", { description: "One problem with one input field: show it next to that field." })
export class InputError {
  @Field(() => [String], { description: 'Path of the field in the input, e.g. ["input", "housingRenovationYear"].' })
  path!: string[];

  @Field(() => String, { description: "Stable code, e.g. REQUIRED, OUT_OF_RANGE, IN_THE_FUTURE, INCONSISTENT." })
  code!: string;

  @Field(() => String, { description: "What is wrong, for people." })
  message!: string;
}

@ObjectType("WriteError", { description: "Why a write was not applied (besides input errors)." })
export class WriteError {
  @Field(() => String, { description: "CONFLICT: the row changed since you read it (re-read, re-apply)." })
  code!: string;

  @Field(() => String, { description: "What happened." })
  message!: string;

  @Field(() => Int, { nullable: true, description: "The row's current version, for a CONFLICT." })
  currentVersion!: number | null;
}

export function resultType<T extends object>(node: new () => T, name: string, what: string) {
  @ObjectType(`${name}WriteResult`, { description: `The outcome of a write to a ${what}.` })
  class WriteResult {
    @Field(() => Boolean, {
      description: "Whether the write was applied (or changed nothing because nothing differed).",
    })
    ok!: boolean;

    @Field(() => Boolean, { description: "True when every value already was as given: nothing was written." })
    unchanged!: boolean;

    @Field(() => node, { nullable: true, description: `The ${what} after the write, as you may see it.` })
    record!: T | null;

    @Field(() => [InputError], { description: "Problems with the input; empty when it was valid." })
    inputErrors!: InputError[];

    @Field(() => WriteError, { nullable: true, description: "Why a valid input was not applied (e.g. CONFLICT)." })
    error!: WriteError | null;
  }
  return WriteResult;
}

export const MemberWriteResult = resultType(Member, "Member", "member");
export const HouseholdWriteResult = resultType(Household, "Household", "household");
export const VillageWriteResult = resultType(Village, "Village", "village");

export interface WriteOutcome<R> {
  ok: boolean;
  unchanged: boolean;
  record: R | null;
  inputErrors: InputError[];
  error: WriteError | null;
}
