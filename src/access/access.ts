import { getTableColumns, type SQL } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import { underRegion } from "../shared/region-code.js";

export interface Principal {
  id: string;
  department: string;
  /** Region code prefix the principal may see; "" = everywhere. */
  region: string;
  name?: string;
}

/**
 * What one principal may read, decided once per request. Repositories ask it which columns to
 * fetch and which rows are in scope, so a value the caller may not see is never fetched.
 */
export interface Access {
  readonly principal: Principal;
  /** The readable fields of a GraphQL type, or `null` when every field is readable. */
  readableFields(type: string): ReadonlySet<string> | null;
  /** The row predicate for a region-code column, `undefined` when unrestricted. */
  scope(column: AnyPgColumn): SQL | undefined;
  /** Whether a region code is inside the principal's scope. */
  inScope(code: string): boolean;
  /** Distinguishes DataLoader caches and compiled plans per principal. */
  readonly cacheKey: string;
}

export function createAccess(principal: Principal, readable: (type: string) => ReadonlySet<string> | null): Access {
  const region = principal.region;
  return {
    principal,
    readableFields: readable,
    scope: (column) => (region ? underRegion(column, region) : undefined),
    inScope: (code) => code.startsWith(region),
    cacheKey: `${principal.department}:${region}:${principal.id}`,
  };
}

/** Unrestricted access: the registry owner over the whole database (used by tools and tests). */
export function fullAccess(region = ""): Access {
  return createAccess({ id: "system", department: "RURAL_REVITALIZATION", region }, () => null);
}

/**
 * The columns of a table a principal may fetch for a GraphQL type: those whose property name is a
 * readable field, plus the keys the server needs for relations and cursors.
 */
export function selectableColumns<T extends PgTable>(
  access: Access,
  type: string,
  table: T,
  alwaysKeys: readonly (keyof T["_"]["columns"])[],
): Record<string, AnyPgColumn> {
  const all = getTableColumns(table) as Record<string, AnyPgColumn>;
  const readable = access.readableFields(type);
  if (!readable) return all;
  const out: Record<string, AnyPgColumn> = {};
  for (const [key, column] of Object.entries(all)) {
    if (readable.has(key) || alwaysKeys.includes(key as keyof T["_"]["columns"])) out[key] = column;
  }
  return out;
}
