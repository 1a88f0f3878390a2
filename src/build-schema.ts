import "reflect-metadata";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { isInputObjectType, isObjectType, parse, type GraphQLSchema } from "graphql";
import { buildSchema, createResolversMap, type PubSub } from "type-graphql";
import type { Context } from "./context.js";
import { resolvers } from "./modules/index.js";
import { fromGlobalId } from "./shared/global-id.js";
import { withLengthLimits } from "./shared/input-limits.js";
import { LIST_SIZE } from "./shared/list-size.js";
import { READS } from "./access/reads.js";
import { fetchNode, nodeTypes } from "./modules/node/node.types.js";

const FEDERATION_LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])`;

/**
 * type-graphql builds the schema from the modules; Apollo's subgraph builder adds `_service` and
 * `_entities` so the API can join a supergraph. Entity references resolve through the node
 * registry, so they pass through the same scoped loaders as `node(id)`.
 */
/**
 * type-graphql insists on a PubSub as soon as there is a subscription, even one that brings its own
 * `subscribe` (ours stream from PostgreSQL's LISTEN/NOTIFY: see alert.stream.ts). Topic-based
 * subscriptions are not used; this one says so if one is ever added.
 */
const noTopics: PubSub = {
  publish() {
    throw new Error("Topic subscriptions are not used: give the subscription its own `subscribe`.");
  },
  subscribe() {
    throw new Error("Topic subscriptions are not used: give the subscription its own `subscribe`.");
  },
};

export async function buildApiSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({ resolvers, validate: false, skipCheck: true, pubSub: noTopics });
  const map = createResolversMap(schema) as Record<string, Record<string, unknown>>;
  for (const type of nodeTypes()) {
    map[type] = {
      ...map[type],
      __resolveReference: (ref: { id: string }, ctx: Context) => {
        const { type: refType, key } = fromGlobalId(ref.id);
        return refType === type ? fetchNode(ctx, type, key) : null;
      },
    };
  }
  map.Node = { __resolveType: (value: { __typename?: string }) => value.__typename };
  const subgraph = buildSubgraphSchema({
    // Every string input states its length limit in its description (src/shared/input-limits.ts).
    typeDefs: parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(withLengthLimits(schema))}`),
    resolvers: map as never,
  });
  keepListSizes(schema, subgraph);
  return subgraph;
}

/**
 * The subgraph is rebuilt from printed SDL, which drops field `extensions`: the list sizes the
 * modules declare (shared/list-size.ts) are carried over, and `_entities` is sized by its
 * representations, for the cost estimate (operation/limits.ts); so are the declarations of what
 * arguments and filter fields read (access/reads.ts), for the guard.
 */
function keepListSizes(from: GraphQLSchema, to: GraphQLSchema): void {
  for (const type of Object.values(from.getTypeMap())) {
    const target = to.getType(type.name);
    const both = (isObjectType(type) && isObjectType(target)) || (isInputObjectType(type) && isInputObjectType(target));
    if (!both) continue;
    const fields = target.getFields();
    for (const field of Object.values(type.getFields())) {
      for (const key of [LIST_SIZE, READS]) {
        const value = field.extensions[key];
        if (value !== undefined && fields[field.name]) Object.assign(fields[field.name]!.extensions, { [key]: value });
      }
    }
  }
  const entities = to.getQueryType()?.getFields()._entities;
  if (entities) Object.assign(entities.extensions, { [LIST_SIZE]: { sizedBy: "representations" } });
}
