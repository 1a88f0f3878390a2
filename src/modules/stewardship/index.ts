import { StewardshipResolver } from "./stewardship.resolver.js";

export const stewardshipResolvers = [StewardshipResolver];
