import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import type { Context } from "../../context.js";
import { fromGlobalId } from "../../shared/global-id.js";
import { NodeInterface } from "../../shared/node.js";
import { fetchNode } from "./node.types.js";
import { ArgumentReads } from "../../access/reads.js";

@Resolver()
export class NodeResolver {
  @ArgumentReads({ id: [] })
  @Query(() => NodeInterface, {
    nullable: true,
    description: "Any object by its global id (Relay); null if unknown or outside your scope.",
  })
  node(@Ctx() ctx: Context, @Arg("id", () => ID) id: string) {
    const { type, key } = fromGlobalId(id);
    return fetchNode(ctx, type, key);
  }
}
