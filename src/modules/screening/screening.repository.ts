import { sql, type SQL } from "drizzle-orm";
import type { Drizzle } from "../../db/client.js";

type Result = { rows?: Record<string, unknown>[] } | Record<string, unknown>[];
const rowsOf = (result: Result) => (Array.isArray(result) ? result : (result.rows ?? []));

/** Households in the run's scope: what a run screened. */
export async function countHouseholds(tx: Drizzle, inScope: SQL): Promise<number> {
  const [row] = rowsOf((await tx.execute(sql`SELECT count(*)::int AS n FROM households h WHERE ${inScope}`)) as Result);
  return Number(row?.n ?? 0);
}

export interface RuleAlerts {
  /** Households the rule found. */
  found: number;
  /** Alerts it raised: those without an active alert of the same rule already (ON CONFLICT DO NOTHING). */
  ids: number[];
}

/**
 * One rule's findings raised as alerts in one statement: the findings, the alerts inserted where no
 * alert of the rule is still being worked for the household (the partial unique index decides, so
 * a repeated or concurrent run adds nothing), and each new alert's first workflow event.
 */
export async function raiseRuleAlerts(
  tx: Drizzle,
  rule: { code: string; field: string; title: string },
  findings: SQL,
  by: { department: string; raisedBy: string },
): Promise<RuleAlerts> {
  const note = `raised by department screening: ${rule.code}`;
  const [row] = rowsOf(
    (await tx.execute(sql`
      WITH found AS (${findings}),
      inserted AS (
        INSERT INTO risk_alerts (household_id, village_code, signal, screening_rule, department, raised_by, trigger, helper_cadre_id)
        SELECT f.household_id, f.village_code, 'DEPARTMENT_SCREENING', ${rule.code}, ${by.department}, ${by.raisedBy},
          jsonb_build_object('field', ${rule.field}::text, 'evidence', f.evidence, 'threshold', f.threshold,
                             'basis', ${rule.title}::text),
          (SELECT a.cadre_id FROM cadre_household_assignments a
            WHERE a.household_id = f.household_id AND a.end_date IS NULL ORDER BY a.cadre_id LIMIT 1)
        FROM found f
        ON CONFLICT DO NOTHING
        RETURNING id
      ),
      events AS (
        INSERT INTO alert_events (alert_id, from_status, to_status, note, recorded_by, department)
        SELECT id, NULL, 'OPEN', ${note}, ${by.raisedBy}, ${by.department} FROM inserted
        RETURNING alert_id
      )
      SELECT (SELECT count(*)::int FROM found) AS found,
             coalesce((SELECT jsonb_agg(alert_id ORDER BY alert_id) FROM events), '[]'::jsonb) AS ids
    `)) as Result,
  );
  const ids = row?.ids;
  return {
    found: Number(row?.found ?? 0),
    ids: (typeof ids === "string" ? JSON.parse(ids) : (ids ?? [])) as number[],
  };
}
