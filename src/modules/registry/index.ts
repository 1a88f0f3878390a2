import { HouseholdRegistrationResolver } from "./registry.resolver.js";

export const registryResolvers = [HouseholdRegistrationResolver];
