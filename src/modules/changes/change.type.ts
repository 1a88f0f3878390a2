import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { NodeInterface } from "../../shared/node.js";
import type { changeLog } from "../../db/schema.js";

export type ChangeLogRow = Omit<typeof changeLog.$inferSelect, "recordedAt"> & { recordedAt: string };

export const ChangeOperation = {
  CREATED: "CREATED",
  UPDATED: "UPDATED",
  DELETED: "DELETED",
  ENTERED_SCOPE: "ENTERED_SCOPE",
  LEFT_SCOPE: "LEFT_SCOPE",
} as const;
export type ChangeOperation = (typeof ChangeOperation)[keyof typeof ChangeOperation];

registerEnumType(ChangeOperation, {
  name: "ChangeOperation",
  description: "What happened to a row, as the reading department sees it.",
  valuesConfig: {
    CREATED: { description: "A new row: `node` holds it (upsert it)." },
    UPDATED: { description: "Fields you may read changed (`changedFields`): `node` holds the row as it is now." },
    DELETED: { description: "Tombstone: the row was deleted (only its id)." },
    ENTERED_SCOPE: {
      description:
        "A row that was outside your region or rows rule before this change and is now inside it: upsert `node`.",
    },
    LEFT_SCOPE: { description: "Tombstone: the row moved outside your region or rows rule; drop your copy." },
  },
});

@ObjectType("Change", { description: "One entry of the change feed." })
export class Change {
  @Field(() => String, {
    description: "The feed's position after this entry: pass it as `after` to continue after it.",
  })
  position!: string;

  @Field(() => ChangeOperation, { description: "Created, updated, deleted, or entered or left your scope." })
  operation!: ChangeOperation;

  @Field(() => String, { description: "The row's GraphQL type (Household, Member, Village …)." })
  type!: string;

  @Field(() => ID, { description: "The row's global id (the `id` of its node), tombstones included." })
  id!: string;

  @Field(() => [String], {
    nullable: true,
    description: "For UPDATED: the fields whose value changed, of those you may read (others are not named).",
  })
  changedFields!: string[] | null;

  @Field(() => NodeInterface, {
    nullable: true,
    description:
      "The row as you see it now (masked, as in queries); null for tombstones. Select its fields with `... on Household { … }`.",
  })
  node!: object | null;

  @Field(() => String, { description: "ISO timestamp when the change was written (its statement, not its commit)." })
  recordedAt!: string;
}

@ObjectType("ChangePage", { description: "A page of the change feed, in the feed's order." })
export class ChangePage {
  @Field(() => [Change], { description: "The entries, oldest transaction first." })
  entries!: Change[];

  @Field(() => String, {
    description: "Where this page ends: pass it as `after` for the next page (also when `entries` is empty).",
  })
  position!: string;

  @Field(() => Boolean, { description: "No entry follows yet: poll again later (or subscribe to `changed`)." })
  caughtUp!: boolean;
}
