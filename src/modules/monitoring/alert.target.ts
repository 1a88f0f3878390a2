import { riskAlerts } from "../../db/schema.js";
import type { WriteTarget } from "../../writes/engine.js";
import { resultType } from "../../writes/write.type.js";
import { alertById } from "./alert.loader.js";
import { RiskAlert, type AlertRow } from "./alert.type.js";

/** Writes to risk alerts (their workflow): scoped by the household's village. */
export const alertTarget: WriteTarget<AlertRow> = {
  table: riskAlerts,
  type: "RiskAlert",
  region: riskAlerts.villageCode,
  reload(ctx, id) {
    alertById(ctx).clear(id);
    return alertById(ctx).load(id);
  },
};

export const AlertWriteResult = resultType(RiskAlert, "Alert", "risk alert");
