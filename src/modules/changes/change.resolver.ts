import { Arg, Ctx, Int, Query, Resolver, Root, Subscription } from "type-graphql";
import type { Context } from "../../context.js";
import { currentPosition } from "./change.repository.js";
import { FEED_TYPES } from "./change.tables.js";
import { MAX_CHANGES_PAGE, readChanges } from "./change.service.js";
import { changeStream } from "./change.stream.js";
import { Change, ChangePage } from "./change.type.js";
import { ArgumentReads } from "../../access/reads.js";

const TYPES_DESCRIPTION = `Only these types (${FEED_TYPES.map((t) => t.type).join(", ")}); default: every type you may read.`;

@Resolver()
export class ChangeResolver {
  @ArgumentReads({ types: [] })
  @Query(() => ChangePage, {
    description:
      "What changed in your slice after `after`, in commit-safe order: created and updated rows as you see them now, tombstones for deleted rows and rows that left your scope. Every change exactly once; a change committed late by a long transaction still comes after your position. Follow `position` until `caughtUp`. A position older than the feed's retention is answered CHANGES_EXPIRED: export again.",
  })
  changes(
    @Ctx() ctx: Context,
    @Arg("after", () => String, {
      nullable: true,
      description: "A `position` from the feed or an export; default: the oldest change kept.",
    })
    after?: string | null,
    @Arg("types", () => [String], { nullable: true, description: TYPES_DESCRIPTION }) types?: string[] | null,
    @Arg("first", () => Int, { defaultValue: 100, description: `Most entries (1–${MAX_CHANGES_PAGE}).` })
    first?: number,
  ) {
    return readChanges(ctx, { after, types, first });
  }

  @Query(() => String, {
    description: "The change feed's position now: follow the feed from it to learn what changes from here on.",
  })
  changesPosition(@Ctx() ctx: Context) {
    return currentPosition(ctx.db);
  }

  @ArgumentReads({ types: [] })
  @Subscription(() => Change, {
    description:
      "Each change in your slice after `after` (default: from now), as the feed delivers it — over graphql-ws on /graphql. The same entries, order and masks as `changes`.",
    subscribe: ({ args, context }) => {
      const { after, types } = args as { after?: string | null; types?: string[] | null };
      return changeStream(context as Context, { after, types });
    },
  })
  changed(
    @Root() change: Change,
    @Arg("after", () => String, { nullable: true, description: "A `position` from the feed or an export." })
    _after?: string | null,
    @Arg("types", () => [String], { nullable: true, description: TYPES_DESCRIPTION }) _types?: string[] | null,
  ) {
    return change;
  }
}
