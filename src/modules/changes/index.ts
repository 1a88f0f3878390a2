import { ChangeResolver } from "./change.resolver.js";

export { currentPosition } from "./change.repository.js";

// Resolver classes of the change feed (for integrators: what changed since a position).
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const changeResolvers: Function[] = [ChangeResolver];
