import { Extensions } from "type-graphql";

/** The key under a field's GraphQL `extensions` where its list size is declared. */
export const LIST_SIZE = "listSize";

/**
 * How many items a list field returns, as the cost estimate counts them (src/operation/limits.ts):
 * the cap its repository applies where it has one, otherwise a generous count of what a row
 * usually holds. Lists sliced by `first`/`last` need no declaration: their page size is read from
 * the request. `sizedBy` names a list argument whose length is the list's (federation's
 * `_entities(representations)`).
 */
export function ListSize(size: number | { sizedBy: string }): MethodDecorator & PropertyDecorator {
  return Extensions({ [LIST_SIZE]: size });
}
