import { AssetCustodianResolver, AssetResolver } from "./asset.resolver.js";
import {
  AgencyProjectsResolver,
  HouseholdProjectsResolver,
  VillageProjectsResolver,
} from "./project.extensions.resolver.js";
import { ProjectResolver } from "./project.resolver.js";

// Resolver classes of the projects module, including the fields it adds to other modules' types.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const projectResolvers: Function[] = [
  ProjectResolver,
  AssetResolver,
  AssetCustodianResolver,
  HouseholdProjectsResolver,
  VillageProjectsResolver,
  AgencyProjectsResolver,
];
