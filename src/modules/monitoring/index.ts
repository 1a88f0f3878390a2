import { AlertResolver, HouseholdAlertsResolver } from "./alert.resolver.js";
import { HouseholdGuaranteesResolver } from "./guarantee.resolver.js";

// Resolver classes of the monitoring module (防止返贫动态监测), including the fields it adds to `Household`.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const monitoringResolvers: Function[] = [HouseholdGuaranteesResolver, AlertResolver, HouseholdAlertsResolver];
