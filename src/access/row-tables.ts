import type { PgTable } from "drizzle-orm/pg-core";
import {
  agencies,
  assets,
  auditLog,
  cadres,
  householdEvents,
  householdIncomes,
  households,
  members,
  monitoringCases,
  projects,
  regions,
  riskAlerts,
  villageEvents,
  villages,
} from "../db/schema.js";

/**
 * The table each GraphQL type's rows live in: where the policy's `rows:` rules apply (column =
 * allowed values, by the table's property names). A rule on a type missing here, or on a column its
 * table does not have, stops the server at start-up (compile.ts) rather than failing on a request.
 */
export const ROW_TABLES: Readonly<Record<string, PgTable>> = {
  Region: regions,
  Village: villages,
  VillageEvent: villageEvents,
  Agency: agencies,
  Cadre: cadres,
  Household: households,
  HouseholdIncome: householdIncomes,
  HouseholdEvent: householdEvents,
  Member: members,
  Project: projects,
  Asset: assets,
  AuditEntry: auditLog,
  RiskAlert: riskAlerts,
  MonitoringCase: monitoringCases,
};
