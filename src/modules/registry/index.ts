import { HouseholdRegistrationResolver, RegistryLedgerResolver } from "./registry.resolver.js";

export const registryResolvers = [HouseholdRegistrationResolver, RegistryLedgerResolver];
