import { monitoringStandards } from "../../db/schema.js";
import { defineTarget } from "../../writes/engine.js";
import { monitoringStandardById } from "./income.loader.js";

/**
 * Writes to the monitoring lines: a line is in a principal's scope when its region is (the scope
 * code is the prefix padded to 12 digits, all zeros for "everywhere", so only a principal whose
 * scope is everywhere may change the line that applies everywhere).
 */
export const monitoringStandardTarget = defineTarget({
  table: monitoringStandards,
  type: "MonitoringStandard",
  region: monitoringStandards.scopeCode,
  loader: monitoringStandardById,
});
