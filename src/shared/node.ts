import { Field, ID, InterfaceType } from "type-graphql";

@InterfaceType("Node", {
  description: "An object with a global id (Relay): fetch any of them again with `node(id:)`.",
  resolveType: (value: { __typename?: string }) => value.__typename,
})
export abstract class NodeInterface {
  @Field(() => ID, { description: "Opaque global id." })
  id!: string;
}
