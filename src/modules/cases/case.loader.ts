import type { Context } from "../../context.js";
import { byKey, defineLoader, groupByKey } from "../../shared/loader.js";
import {
  findAssistance,
  findAssistanceByIds,
  findCaseAlertIds,
  findCasesByHouseholds,
  findCasesByIds,
  findFollowUps,
  findFollowUpsByIds,
  findObjections,
  findObjectionsByIds,
} from "./case.repository.js";

/** Cases by row id, in scope and the policy's row rules (one statement per batch). */
export const caseById = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  byKey(ids, await findCasesByIds(ctx, ids), (c) => c.rowId),
);

/** Cases of each household, newest first. */
export const casesByHousehold = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  groupByKey(ids, await findCasesByHouseholds(ctx, ids), (c) => c.householdId),
);

export const objectionsByCase = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  groupByKey(ids, await findObjections(ctx, ids), (o) => o.caseId),
);

export const assistanceByCase = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  groupByKey(ids, await findAssistance(ctx, ids), (a) => a.caseId),
);

export const followUpsByCase = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  groupByKey(ids, await findFollowUps(ctx, ids), (f) => f.caseId),
);

export const alertIdsByCase = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  groupByKey(ids, await findCaseAlertIds(ctx, ids), (l) => l.caseId),
);

/** Objections, assistance measures and follow-up visits by row id, each with its case in scope. */
export const objectionById = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  byKey(ids, await findObjectionsByIds(ctx, ids), (r) => r.rowId),
);

export const assistanceById = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  byKey(ids, await findAssistanceByIds(ctx, ids), (r) => r.rowId),
);

export const followUpById = defineLoader(async (ctx: Context, ids: readonly number[]) =>
  byKey(ids, await findFollowUpsByIds(ctx, ids), (r) => r.rowId),
);
