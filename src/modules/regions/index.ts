import { RegionResolver } from "./region.resolver.js";

export const regionResolvers = [RegionResolver];
