import { Arg, Ctx, Mutation, Resolver, type ClassType } from "type-graphql";
import type { Context } from "../context.js";
import { InputErrors } from "../shared/input-errors.js";
import { runBatch } from "./batch.js";
import { batchInput, BatchWriteResult, type BatchInputOf } from "./batch.type.js";
import { write, type WriteRecord, type WriteTarget } from "./engine.js";
import type { WriteOutcome } from "./write.type.js";

/**
 * A write as a declaration: the mutation's name, the target it writes (table, scope, history,
 * read-back), the id the client names, and `prepare`, which validates one input into `errors`
 * and says what to write (values, children, an effect, checks against the locked row). Ownership
 * comes from the policy for the fields the record writes; the engine does the rest, alike for the
 * single mutation and its batch form.
 */
export interface OwnedWrite<I, R> {
  /** The mutation; its batch form is `<name>Batch`. */
  name: string;
  target: WriteTarget<R>;
  /** The record's id as the client gave it (echoed in batch results). */
  idOf: (input: I) => string;
  /** Validates one input (a malformed id throws BAD_USER_INPUT) and says what to write. */
  prepare: (ctx: Context, input: I, errors: InputErrors) => WriteRecord;
}

export function runOwnedWrite<I, R>(ctx: Context, op: OwnedWrite<I, R>, input: I): Promise<WriteOutcome<R>> {
  const errors = new InputErrors();
  const record = op.prepare(ctx, input, errors);
  return write(ctx, op.target, record, errors);
}

export interface WriteMutation<I extends object, R> {
  write: OwnedWrite<I, R>;
  input: ClassType<I>;
  /** The `<Type>WriteResult` the single mutation answers. */
  result: ClassType;
  description: string;
  /** The batch form: what the records are ("schooling records") and the mutation's description. */
  batch?: { what: string; description: string };
}

/**
 * The resolvers of a declared write: the single mutation and, when asked, its batch form
 * (`<name>Batch` taking `<Input>BatchInput`), generated rather than written out per write.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function writeResolvers<I extends object, R>(m: WriteMutation<I, R>): Function[] {
  const { write: op } = m;
  return mutationResolvers({
    name: op.name,
    input: m.input,
    result: m.result,
    description: m.description,
    single: (ctx, input) => runOwnedWrite(ctx, op, input),
    batch: m.batch && { ...m.batch, run: (ctx, input) => runBatch(ctx, op, input) },
  });
}

/** A mutation taking `input`, and optionally its batch form, as `mutationResolvers` generates them. */
export interface MutationPair<I extends object> {
  name: string;
  input: ClassType<I>;
  /** What the single mutation answers. */
  result: ClassType;
  description: string;
  single: (ctx: Context, input: I) => unknown;
  /** The batch form: what its records are, its description, and how it runs. */
  batch?: { what: string; description: string; run: (ctx: Context, input: BatchInputOf<I>) => unknown };
}

/**
 * The resolvers of a mutation `name` and of its batch form `<name>Batch` (taking
 * `<Input>BatchInput`, answering BatchWriteResult): one generator for every write that has both
 * forms, owned writes and case steps alike.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function mutationResolvers<I extends object>(m: MutationPair<I>): Function[] {
  const { name } = m;

  @Resolver()
  class SingleWriteResolver {
    @Mutation(() => m.result, { name, description: m.description })
    single(@Ctx() ctx: Context, @Arg("input", () => m.input) input: I) {
      return m.single(ctx, input);
    }
  }
  if (!m.batch) return [SingleWriteResolver];
  const batch = m.batch;

  const BatchInput = batchInput(m.input, name.charAt(0).toUpperCase() + name.slice(1), batch.what);
  @Resolver()
  class BatchWriteResolver {
    @Mutation(() => BatchWriteResult, { name: `${name}Batch`, description: batch.description })
    batch(@Ctx() ctx: Context, @Arg("input", () => BatchInput) input: BatchInputOf<I>) {
      return batch.run(ctx, input);
    }
  }
  return [SingleWriteResolver, BatchWriteResolver];
}
