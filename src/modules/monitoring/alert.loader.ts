import type { Context } from "../../context.js";
import { byKey, defineLoader, groupByKey } from "../../shared/loader.js";
import { findAlertEvents, findAlertsByHouseholds, findAlertsByIds } from "./alert.repository.js";

/** Alerts by row id, in scope (one statement per batch). */
export const alertById = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  byKey(ids, await findAlertsByIds(ctx, ids), (a) => a.rowId),
);

/** Alerts of each household, newest first (one statement per page of households). */
export const alertsByHousehold = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  groupByKey(ids, await findAlertsByHouseholds(ctx, ids), (a) => a.householdId),
);

/** Workflow events of each alert (one statement per page of alerts). */
export const alertEventsByAlert = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  groupByKey(ids, await findAlertEvents(ctx, ids), (e) => e.alertId),
);
