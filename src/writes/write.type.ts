import { Field, Int, ObjectType, type ClassType } from "type-graphql";
import type { InputError } from "../shared/input-errors.js";

@ObjectType("InputError", { description: "One problem with one input field: show it next to that field." })
export class InputErrorType implements InputError {
  @Field(() => [String], { description: 'Path of the field in the input, e.g. ["input", "housingRenovationYear"].' })
  path!: string[];

  @Field(() => String, {
    description:
      "Stable code: REQUIRED, INVALID_FORMAT, INVALID_CHECKSUM, INVALID_DATE, MISMATCH_ID_NUMBER, IN_THE_FUTURE, OUT_OF_RANGE, INCONSISTENT, INVALID_TRANSITION, DUPLICATE or UNKNOWN_REGION.",
  })
  code!: InputError["code"];

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

/** What every write answers: applied (or unchanged), rejected input, or a valid write not applied. */
export interface WriteOutcome<R> {
  ok: boolean;
  unchanged: boolean;
  record: R | null;
  inputErrors: InputError[];
  error: WriteError | null;
}

/** The `<Name>WriteResult` object type of the writes to a node type. */
export function resultType<T extends object>(node: ClassType<T>, name: string, what: string) {
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

    @Field(() => [InputErrorType], { description: "Problems with the input; empty when it was valid." })
    inputErrors!: InputError[];

    @Field(() => WriteError, { nullable: true, description: "Why a valid input was not applied (e.g. CONFLICT)." })
    error!: WriteError | null;
  }
  return WriteResult;
}
