import { RegionVillagesResolver, VillageResolver } from "./village.resolver.js";

export const villageResolvers = [VillageResolver, RegionVillagesResolver];
