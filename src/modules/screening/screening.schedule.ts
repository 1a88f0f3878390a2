import { fullAccess } from "../../access/access.js";
import { loadPolicyFile } from "../../access/policy.js";
import type { Config } from "../../config.js";
import type { Database } from "../../db/client.js";
import { log } from "../../shared/log.js";
import { stewardOf } from "./screening.policy.js";
import { runScreening } from "./screening.service.js";

/** Runs the whole screening as the system, for the owner of monitoring (from the policy). */
export function screenEverything(database: Database, config: Config, raisedBy: string) {
  const department = stewardOf(loadPolicyFile(config.POLICY_FILE), "RiskAlert.id") ?? fullAccess().principal.department;
  return runScreening(database.db, config, { region: "", department, raisedBy });
}

/**
 * The periodic screening inside the server (SCREENING_INTERVAL; off when unset): one run at a time,
 * the first one interval after start. Returns the function that stops it.
 */
export function startScreeningSchedule(database: Database, config: Config): () => void {
  const seconds = config.SCREENING_INTERVAL;
  if (!seconds) return () => {};
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    screenEverything(database, config, "screening-schedule")
      .then((r) => log("info", "screening run", { households: r.householdsScreened, alerts: r.alertsRaised, ms: r.ms }))
      .catch((error: unknown) => log("error", "screening run failed", { error: String(error) }))
      .finally(() => {
        running = false;
      });
  }, seconds * 1000);
  timer.unref();
  log("info", "screening scheduled", { everySeconds: seconds });
  return () => clearInterval(timer);
}
