import { Field, ID, InputType, Int, ObjectType, registerEnumType, type ClassType } from "type-graphql";
import type { InputError } from "../shared/input-errors.js";
import { InputErrorType } from "./write.type.js";

export const BatchRecordStatus = { APPLIED: "APPLIED", UNCHANGED: "UNCHANGED", REJECTED: "REJECTED" } as const;
export type BatchRecordStatus = (typeof BatchRecordStatus)[keyof typeof BatchRecordStatus];

registerEnumType(BatchRecordStatus, {
  name: "BatchRecordStatus",
  description: "What became of one record of a batch.",
  valuesConfig: {
    APPLIED: { description: "Written (a new version)." },
    UNCHANGED: { description: "Every value already was as given: nothing written." },
    REJECTED: { description: "Not written: see `code`, `message` and `inputErrors`." },
  },
});

@ObjectType("BatchRecordResult", { description: "The outcome of one record of a batch, by its position." })
export class BatchRecordResult {
  @Field(() => Int, { description: "Position of the record in `records` (from 0)." })
  index!: number;

  @Field(() => ID, { nullable: true, description: "The record's id as given." })
  id!: string | null;

  @Field(() => BatchRecordStatus, { description: "Applied, unchanged or rejected." })
  status!: BatchRecordStatus;

  @Field(() => Int, { nullable: true, description: "The row's version after the write (applied or unchanged)." })
  version!: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Why rejected: INVALID_INPUT, CONFLICT, REFUSED, FORBIDDEN (no such row in your scope) or BAD_USER_INPUT.",
  })
  code!: string | null;

  @Field(() => String, { nullable: true, description: "Why rejected, for people." })
  message!: string | null;

  @Field(() => Int, { nullable: true, description: "For a CONFLICT: the row's current version." })
  currentVersion!: number | null;

  @Field(() => [InputErrorType], { description: "Problems with the record's fields (paths start at its index)." })
  inputErrors!: InputError[];
}

@ObjectType("BatchWriteResult", {
  description: "The outcome of a batch: every valid record applied in one transaction, each record's result by index.",
})
export class BatchWriteResult {
  @Field(() => Int, { description: "Records applied." })
  applied!: number;

  @Field(() => Int, { description: "Records that changed nothing." })
  unchanged!: number;

  @Field(() => Int, { description: "Records rejected." })
  rejected!: number;

  @Field(() => Boolean, {
    description:
      "True when this is the stored result of an earlier call with the same idempotency key: nothing was applied now.",
  })
  replayed!: boolean;

  @Field(() => [BatchRecordResult], { description: "One result per record, in the order given." })
  results!: BatchRecordResult[];
}

const KEY =
  "A key of your choosing (≤ 200 characters): a retry with the same key and records returns the first result and applies nothing again.";

/** The `<Name>BatchInput` of a write: its single input repeated, with an optional idempotency key. */
export function batchInput<T extends object>(record: ClassType<T>, name: string, what: string) {
  @InputType(`${name}BatchInput`, { description: `Up to MAX_BATCH_RECORDS (default 5,000) ${what} in one call.` })
  class BatchInput {
    @Field(() => [record], { description: `The ${what}.` })
    records!: T[];

    @Field(() => String, { nullable: true, description: KEY })
    idempotencyKey?: string | null;
  }
  return BatchInput;
}

export interface BatchInputOf<T> {
  records: T[];
  idempotencyKey?: string | null;
}
