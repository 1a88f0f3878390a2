import {
  CadreVillageAssignmentResolver,
  HelperAssignmentResolver,
  HouseholdHelperResolver,
  VillageHelpResolver,
} from "./assignment.resolver.js";
import { AgencyResolver, VillageAssignmentResolver } from "./agency.resolver.js";
import { CadreResolver } from "./cadre.resolver.js";

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const agencyResolvers: Function[] = [
  AgencyResolver,
  VillageAssignmentResolver,
  CadreResolver,
  CadreVillageAssignmentResolver,
  HelperAssignmentResolver,
  HouseholdHelperResolver,
  VillageHelpResolver,
];
