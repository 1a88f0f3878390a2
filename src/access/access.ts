import { and, getTableColumns, inArray, type SQL } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import { ForbiddenError } from "../shared/errors.js";
import { underRegion } from "../shared/region-code.js";
import type { DepartmentPolicy } from "./compile.js";
import type { Config } from "../config.js";
import { maskedColumn } from "./masks.js";
import { countRoundingKey, roundedCount, type CountedRows } from "./published-count.js";
import { LEVEL_DIGITS, REGION_LEVELS, type MaskForm, type RegionLevelName } from "./policy.js";

export interface Principal {
  id: string;
  department: string;
  /** Region code prefix the principal may see; "" = everywhere. */
  region: string;
  name?: string;
  /** How the principal authenticated. */
  via: "jwt" | "api-key" | "anonymous" | "system";
}

const NO_MASKS: ReadonlyMap<string, MaskForm> = new Map();

/**
 * What one principal may read, decided once per request from the compiled policy. Repositories
 * ask it which columns to fetch (masked ones as SQL expressions) and which rows are in scope, so a
 * value the caller may not see is never fetched.
 */
export interface Access {
  readonly principal: Principal;
  /** The department's compiled policy; `null` for the system principal (tools, seeds). */
  readonly policy: DepartmentPolicy | null;
  /** The readable fields of a GraphQL type, or `null` when every field is readable. */
  readableFields(type: string): ReadonlySet<string> | null;
  masks(type: string): ReadonlyMap<string, MaskForm>;
  /** Whether the principal may see rows of a type at all (it can read their id). */
  canRead(type: string): boolean;
  /**
   * Whether the principal may see a field's value in full (`read` or `own`): for values carried
   * inside other records — a history event's old and new value, an alert's triggering values.
   */
  canSeeValue(type: string, field: string): boolean;
  /** The row predicate for a region-code column, `undefined` when unrestricted. */
  scope(column: AnyPgColumn): SQL | undefined;
  /** Row restrictions of the policy for a type (e.g. the public sees no household-owned asset). */
  rowCondition(type: string, table: PgTable): SQL | undefined;
  inScope(code: string): boolean;
  /**
   * Whether counts of a type's rows are published rounded to this principal: the policy's
   * `suppressCountsBelow` names its department and it cannot read the rows (it may only count
   * them). Rows it can list it could count itself. The count's query then also fetches the rows'
   * fingerprint (`rowSetFingerprint`).
   */
  roundsCountsOf(type: string): boolean;
  /** A count of a type's rows as the principal receives it: exact, or rounded (published-count.ts). */
  publishCount(type: string, counted: CountedRows, config: Config): number;
  /** Distinguishes caches and compiled plans per principal. */
  readonly cacheKey: string;
}

/** Whether a department receives counts of a type's rows rounded (see `Access.roundsCountsOf`). */
export function countsRounded(policy: DepartmentPolicy | null, type: string): boolean {
  return Boolean(policy && policy.suppressCountsBelow > 1 && !policy.readable(type).has("id"));
}

export function createAccess(principal: Principal, policy: DepartmentPolicy | null): Access {
  const region = principal.region;
  const roundsCountsOf = (type: string) => countsRounded(policy, type);
  return {
    principal,
    policy,
    readableFields: (type) => (policy ? policy.readable(type) : null),
    masks: (type) => (policy ? policy.masks(type) : NO_MASKS),
    canRead: (type) => (policy ? policy.readable(type).has("id") : true),
    canSeeValue(type, field) {
      if (!policy) return true;
      const level = policy.level(type, field);
      return level === "read" || level === "own";
    },
    scope: (column) => (region ? underRegion(column, region) : undefined),
    rowCondition(type, table) {
      const rows = policy?.rows(type);
      if (!rows) return undefined;
      const columns = getTableColumns(table) as Record<string, AnyPgColumn>;
      // `$own` stands for the principal's own department (e.g. a department sees its own audit entries),
      // `$me` for the principal itself (a village applicant sees the applications it filed).
      const value = (v: string) => (v === "$own" ? principal.department : v === "$me" ? principal.id : v);
      return and(...Object.entries(rows).map(([column, values]) => inArray(columns[column]!, values.map(value))));
    },
    inScope: (code) => code.startsWith(region),
    roundsCountsOf,
    publishCount(type, counted, config) {
      if (!policy || !roundsCountsOf(type)) return counted.rows;
      return roundedCount(countRoundingKey(config), type, policy.suppressCountsBelow, counted);
    },
    cacheKey: `${principal.department}:${region}:${principal.id}`,
  };
}

/** Unrestricted access: the registry owner over the whole database (tools, seeds, tests). */
export function fullAccess(region = ""): Access {
  return createAccess({ id: "system", department: "RURAL_REVITALIZATION", region, via: "system" }, null);
}

/**
 * The columns of a table a principal may fetch for a GraphQL type: those whose property name is a
 * readable field (masked ones as a masking SQL expression), plus the keys the server needs for
 * relations and cursors.
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
  const masks = access.masks(type);
  const out: Record<string, AnyPgColumn> = {};
  for (const [key, column] of Object.entries(all)) {
    const mask = masks.get(key);
    if (mask) out[key] = maskedColumn(column, mask).as(key) as unknown as AnyPgColumn;
    else if (readable.has(key) || alwaysKeys.includes(key as keyof T["_"]["columns"])) out[key] = column;
  }
  return out;
}

/**
 * The old and new values of a recorded change (history event, alert trigger) as the principal may
 * see them when it may read the field they belong to (`Type.field`), withheld otherwise: a text value
 * as itself (`DROPPED_OUT`, not `"DROPPED_OUT"`), a number, list or object as JSON text.
 */
export function visibleChange(
  access: Access,
  field: string | null | undefined,
  oldValue: unknown,
  newValue: unknown,
): { oldValue: string | null; newValue: string | null; valuesWithheld: boolean } {
  const [type, name] = field ? field.split(".") : [];
  const valuesWithheld = Boolean(field) && !(type && name && access.canSeeValue(type, name));
  const json = (v: unknown) =>
    valuesWithheld || v === undefined || v === null ? null : typeof v === "string" ? v : JSON.stringify(v);
  return { oldValue: json(oldValue), newValue: json(newValue), valuesWithheld };
}

/**
 * Whether a principal may run a mutation the policy reserves for a region level or wider
 * (`mutationLevels`; a batch form has its single form's level): a principal scoped below it — a
 * village officer at the township review, a township one at the county confirmation — and one whose
 * region is not of any level are refused, FORBIDDEN with the level needed (`requiredLevel`) and its
 * own (`principalLevel`, null when it has none). The guard asks it for every mutation of an
 * operation (guard.ts `refusals`), so no service checks levels itself. `null` = allowed.
 */
export function levelRefusal(
  principal: Principal,
  mutation: string,
  needed: RegionLevelName | undefined,
): ForbiddenError | null {
  if (!needed) return null;
  const region = principal.region;
  // "" = the whole province or wider.
  const own = region === "" ? "PROVINCE" : (REGION_LEVELS.find((l) => LEVEL_DIGITS[l] === region.length) ?? null);
  if (own && LEVEL_DIGITS[own] <= LEVEL_DIGITS[needed]) return null;
  const scoped = own ? `the ${own.toLowerCase()} ${region}` : `${region}, a code of no region level`;
  return new ForbiddenError(
    `${mutation} needs a principal of ${needed.toLowerCase()} level or wider; yours is scoped to ${scoped}.`,
    { requiredLevel: needed, principalLevel: own },
  );
}

/**
 * Write authority, from the compiled policy: a write names the fields it writes, and only the
 * steward (`own`) of every one of them may make it. The system principal (no policy) writes anything.
 */
export function assertWrites(access: Access, type: string, fields: readonly string[]): void {
  const policy = access.policy;
  if (!policy) return;
  const notOwned = [...new Set(fields)].filter((f) => policy.level(type, f) !== "own");
  if (notOwned.length) {
    throw new ForbiddenError(
      `${policy.department} does not own ${notOwned.map((f) => `${type}.${f}`).join(", ")}: only the steward may write it.`,
    );
  }
}
