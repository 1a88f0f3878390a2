import type { Context } from "../../context.js";
import { BadUserInputError } from "../../shared/errors.js";
import type { Connection, PageArgs } from "../../shared/pagination.js";
import type { HouseholdRow } from "../households/household.type.js";
import type { AuditFilter } from "./audit.input.js";
import { auditByHousehold } from "./audit.loader.js";
import { pageAudit } from "./audit.repository.js";
import type { AuditRow } from "./audit.type.js";

export function listAudit(ctx: Context, filter: AuditFilter = {}, args: PageArgs = {}): Promise<Connection<AuditRow>> {
  for (const key of ["from", "to"] as const) {
    const value = filter[key];
    if (value && Number.isNaN(Date.parse(value)))
      throw new BadUserInputError(`\`${key}\` must be an ISO date or time.`);
  }
  return pageAudit(ctx, filter, args);
}

export function householdAccessLog(ctx: Context, household: HouseholdRow): Promise<AuditRow[]> {
  return auditByHousehold(ctx).load(household.rowId);
}
