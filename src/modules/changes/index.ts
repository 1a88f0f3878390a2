import { ChangeResolver } from "./change.resolver.js";

// For the export: the change-feed position of its snapshot.
export { currentPosition } from "./change.repository.js";
export { positionBelow } from "./change.position.js";

// Resolver classes of the change feed (for integrators: what changed since a position).
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const changeResolvers: Function[] = [ChangeResolver];
