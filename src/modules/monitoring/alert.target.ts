import { riskAlerts } from "../../db/schema.js";
import { defineTarget } from "../../writes/engine.js";
import { resultType } from "../../writes/write.type.js";
import { alertById } from "./alert.loader.js";
import { RiskAlert } from "./alert.type.js";

/** Writes to risk alerts (their workflow): scoped by the household's village. */
export const alertTarget = defineTarget({
  table: riskAlerts,
  type: "RiskAlert",
  region: riskAlerts.villageCode,
  loader: alertById,
});

export const AlertWriteResult = resultType(RiskAlert, "Alert", "risk alert");
