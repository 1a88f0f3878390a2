import { AlertResolver, HouseholdAlertsResolver } from "./alert.resolver.js";
import { HouseholdGuaranteesResolver } from "./guarantee.resolver.js";
import { registerAfterWrite } from "../../writes/after-write.js";
import { alertRules } from "./alert.rules.js";

// Risk alerts are raised by every write that changes what they watch, inside its transaction.
for (const [type, rule] of Object.entries(alertRules)) registerAfterWrite(type, rule);

// Resolver classes of the monitoring module (防止返贫动态监测), including the fields it adds to `Household`.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const monitoringResolvers: Function[] = [HouseholdGuaranteesResolver, AlertResolver, HouseholdAlertsResolver];
