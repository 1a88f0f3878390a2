import { visibleChange } from "../../access/access.js";
import type { Context } from "../../context.js";
import { BadUserInputError, ForbiddenError } from "../../shared/errors.js";
import { decodeId } from "../../shared/global-id.js";
import type { Connection, PageArgs } from "../../shared/pagination.js";
import { assertRegionPrefix } from "../../shared/region-code.js";
import { InputErrors } from "../../shared/input-errors.js";
import type { OwnedWrite } from "../../writes/owned-write.js";
import { onlyFrom } from "../../writes/transitions.js";
import { alertTarget } from "./alert.target.js";
import { insertAlertEvent, pageAlerts } from "./alert.repository.js";
import type { AdvanceAlertInput, AlertEvidence, AlertFilter, AlertRow, AlertTrigger } from "./alert.type.js";

const DAY_MS = 86_400_000;

export function listAlerts(
  ctx: Context,
  filter: AlertFilter | null | undefined,
  order: string,
  args: PageArgs,
): Promise<Connection<AlertRow>> {
  const f = filter ?? {};
  const { from, to } = f.ageDays ?? {};
  if ((from != null && from < 0) || (to != null && to < 0) || (from != null && to != null && from > to)) {
    throw new BadUserInputError("`ageDays` takes whole days from 0 up, with `from` not above `to`.");
  }
  const now = Date.now();
  return pageAlerts(
    ctx,
    {
      regionCode: f.regionCode ? assertRegionPrefix(f.regionCode) : null,
      status: f.status,
      signal: f.signal,
      department: f.department,
      // Age in whole days ≥ from ⇔ raised at least `from` days ago; ≤ to ⇔ less than to + 1 days ago.
      raisedOnOrBefore: from != null ? new Date(now - from * DAY_MS) : null,
      raisedOnOrAfter: to != null ? new Date(now - (to + 1) * DAY_MS + 1) : null,
    },
    order,
    args,
  );
}

/**
 * A subscription's region, which must overlap the subscriber's scope: one wholly outside it would
 * be accepted and then stay silent forever, so it is refused instead.
 */
export function assertRegionWithinScope(ctx: Context, regionCode: string): string {
  const code = assertRegionPrefix(regionCode);
  const scope = ctx.access.principal.region;
  if (!code.startsWith(scope) && !scope.startsWith(code)) {
    throw new ForbiddenError(
      `Region ${code} is outside your scope (${scope}): you would never receive an alert from it. Subscribe to ${scope} or a region under it.`,
    );
  }
  return code;
}

/** The triggering data, its values withheld from whoever may not read the field they belong to. */
export function alertTrigger(ctx: Context, alert: AlertRow): AlertTrigger {
  const t = alert.trigger;
  const field = String(t.field ?? "");
  const values = visibleChange(ctx.access, field, t.oldValue, t.newValue);
  return {
    field,
    ...values,
    threshold: !values.valuesWithheld && t.threshold != null ? Number(t.threshold) : null,
    basis: typeof t.basis === "string" ? t.basis : null,
    evidence: Array.isArray(t.evidence) ? t.evidence.map((e) => alertEvidence(ctx, e as Record<string, unknown>)) : [],
  };
}

/** One side of a screening finding, its value withheld unless the principal may read its field. */
function alertEvidence(ctx: Context, e: Record<string, unknown>): AlertEvidence {
  const field = String(e.field ?? "");
  const [type, name] = field.split(".");
  const { newValue, valuesWithheld } = visibleChange(ctx.access, field, null, e.value);
  const shown = (v: unknown) => (valuesWithheld || typeof v !== "number" ? null : v);
  return {
    field,
    department: (type && name && ctx.access.policy?.rule(type, name)?.owner) || null,
    value: newValue,
    year: shown(e.year),
    members: shown(e.members),
    valuesWithheld,
  };
}

export const ageDays = (alert: AlertRow) => Math.floor((Date.now() - Date.parse(alert.raisedAt)) / DAY_MS);

/** The workflow: from which statuses each step may be taken. */
const STEPS: Record<string, readonly string[]> = {
  VERIFIED: ["OPEN"],
  ASSISTING: ["VERIFIED"],
  RESOLVED: ["ASSISTING"],
  DISMISSED: ["OPEN", "VERIFIED"],
};

/** The registry owner moves an alert one step of its workflow; each step is an event of the alert. */
export const advanceAlert: OwnedWrite<AdvanceAlertInput, AlertRow> = {
  name: "advanceAlert",
  target: alertTarget,
  idOf: (input) => input.alertId,
  prepare(ctx, input, errors: InputErrors) {
    const id = decodeId(input.alertId, "RiskAlert");
    errors.required(["note"], input.note, "what was found or done: it goes into the alert's history");
    const from = STEPS[input.to];
    if (!from) errors.add(["to"], "INCONSISTENT", "An alert cannot be moved back to OPEN.");
    const { principal } = ctx.access;
    return {
      id,
      version: input.version,
      reason: input.note,
      set: { status: input.to },
      check: from ? onlyFrom(from, (status) => `An alert ${status} cannot become ${input.to}`) : undefined,
      after: (tx, change) =>
        insertAlertEvent(tx, {
          alertId: change.after.id as number,
          fromStatus: change.before.status as "OPEN",
          toStatus: change.after.status as "OPEN",
          note: input.note.trim(),
          recordedBy: principal.id,
          department: principal.department,
        }),
    };
  },
};
