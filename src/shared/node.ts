import { Field, ID, InterfaceType } from "type-graphql";

@InterfaceType("Node", {
  // The concrete type comes from `__typename` (set by the node registry), resolved in build-schema.ts.
  description: "An object with a global id (Relay): fetch any of them again with `node(id:)`.",
})
export abstract class NodeInterface {
  @Field(() => ID, { description: "Opaque global id." })
  id!: string;
}
