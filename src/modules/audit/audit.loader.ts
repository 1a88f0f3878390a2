import type { Context } from "../../context.js";
import { defineLoader } from "../../shared/loader.js";
import { findAuditByHouseholds } from "./audit.repository.js";
import type { AuditRow } from "./audit.type.js";

export const MAX_ACCESS_LOG = 100;

export const auditByHousehold = defineLoader(async (ctx: Context, ids: readonly number[]) => {
  const rows = await findAuditByHouseholds(ctx, ids, MAX_ACCESS_LOG);
  return ids.map((id) => rows.filter((r) => r.householdIds.includes(id)).slice(0, MAX_ACCESS_LOG) as AuditRow[]);
});
