import { and, arrayOverlaps, desc, eq, getTableColumns, gte, like, lt, type SQL } from "drizzle-orm";
import type { Context } from "../../context.js";
import { auditLog } from "../../db/schema.js";
import { defineListing } from "../../shared/page-query.js";
import type { Connection, PageArgs } from "../../shared/pagination.js";
import type { AuditFilter } from "./audit.input.js";
import type { AuditRow } from "./audit.type.js";

function map(rows: Record<string, unknown>[]): AuditRow[] {
  for (const row of rows) {
    row.rowId = row.id;
    row.id = String(row.id);
    row.at = new Date(row.at as string).toISOString();
  }
  return rows as unknown as AuditRow[];
}

const auditListing = defineListing<AuditRow>({
  type: "AuditEntry",
  table: auditLog,
  columns: () => getTableColumns(auditLog),
  orderings: [{ name: "NEWEST", direction: "desc", columns: [auditLog.id], key: (r) => [r.rowId] }],
  map,
});

/**
 * Entries the principal may see: the policy's row rule (a department's own entries) and region
 * scope — entries of principals within its region, as for every other row. An entry's region is
 * its principal's scope, so a county officer sees its county's readers, not the city's.
 */
function visible(ctx: Context): SQL | undefined {
  const region = ctx.access.principal.region;
  return and(ctx.access.rowCondition("AuditEntry", auditLog), region ? like(auditLog.region, `${region}%`) : undefined);
}

export function pageAudit(ctx: Context, filter: AuditFilter, args: PageArgs): Promise<Connection<AuditRow>> {
  return auditListing.page(
    ctx,
    [
      visible(ctx),
      filter.department ? eq(auditLog.department, filter.department) : undefined,
      filter.principal ? eq(auditLog.principal, filter.principal) : undefined,
      filter.from ? gte(auditLog.at, filter.from) : undefined,
      filter.to ? lt(auditLog.at, filter.to) : undefined,
    ],
    "NEWEST",
    args,
  );
}

/** The newest reads of any of these households' personal data (GIN index on household_ids). */
export async function findAuditByHouseholds(ctx: Context, ids: readonly number[], limit: number): Promise<AuditRow[]> {
  const rows = await ctx.db
    .select()
    .from(auditLog)
    .where(and(arrayOverlaps(auditLog.householdIds, [...ids]), visible(ctx)))
    .orderBy(desc(auditLog.id))
    .limit(limit * ids.length);
  return map(rows as unknown as Record<string, unknown>[]);
}
