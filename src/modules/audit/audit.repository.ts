import { and, arrayOverlaps, desc, eq, getTableColumns, gte, lt } from "drizzle-orm";
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
  table: auditLog,
  columns: () => getTableColumns(auditLog),
  orderings: [{ name: "NEWEST", direction: "desc", columns: [auditLog.id], key: (r) => [r.rowId] }],
  map,
});

export function pageAudit(ctx: Context, filter: AuditFilter, args: PageArgs): Promise<Connection<AuditRow>> {
  return auditListing.page(
    ctx,
    [
      ctx.access.rowCondition("AuditEntry", auditLog),
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
    .where(and(arrayOverlaps(auditLog.householdIds, [...ids]), ctx.access.rowCondition("AuditEntry", auditLog)))
    .orderBy(desc(auditLog.id))
    .limit(limit * ids.length);
  return map(rows as unknown as Record<string, unknown>[]);
}
