import {
  HouseholdRigidExpendituresResolver,
  incomeWriteResolvers,
  MonitoringStandardResolver,
} from "./income.resolver.js";

// Incomes, rigid expenditures and the monitoring lines (收入支出监测).
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const incomeResolvers: Function[] = [
  HouseholdRigidExpendituresResolver,
  MonitoringStandardResolver,
  ...incomeWriteResolvers,
];
