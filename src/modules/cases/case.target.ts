import { monitoringCases } from "../../db/schema.js";
import { defineTarget } from "../../writes/engine.js";
import { resultType } from "../../writes/write.type.js";
import { caseById } from "./case.loader.js";
import { MonitoringCase } from "./case.type.js";

/** Writes to monitoring cases (each step): scoped by the household's village, kept in its history. */
export const caseTarget = defineTarget({
  table: monitoringCases,
  type: "MonitoringCase",
  region: monitoringCases.villageCode,
  history: { household: "householdId" },
  loader: caseById,
});

export const CaseWriteResult = resultType(MonitoringCase, "Case", "monitoring case");
