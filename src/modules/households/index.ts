import { HouseholdResolver, RegionPopulationResolver, VillageHouseholdsResolver } from "./household.resolver.js";
import { MemberResolver } from "./member.resolver.js";

// Resolver classes of the households module, including the fields it adds to `Village` and `Region`.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const householdResolvers: Function[] = [
  HouseholdResolver,
  MemberResolver,
  VillageHouseholdsResolver,
  RegionPopulationResolver,
];
