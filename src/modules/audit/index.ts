import { AuditResolver, HouseholdAccessLogResolver } from "./audit.resolver.js";

export const auditResolvers = [AuditResolver, HouseholdAccessLogResolver];
