import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { MaskForm } from "./policy.js";

/**
 * Masks are applied in SQL, so the unmasked value never leaves the database for a principal who
 * may only see it masked: identity 431221********1234, phone 138****5678, name 张*.
 */
export function maskedColumn(column: AnyPgColumn, form: MaskForm): SQL {
  switch (form) {
    case "ID_NUMBER":
      return sql`left(${column}, 6) || '********' || right(${column}, 4)`;
    case "PHONE":
      return sql`left(${column}, 3) || '****' || right(${column}, 4)`;
    case "NAME":
      return sql`left(${column}, 1) || repeat('*', greatest(char_length(${column}) - 1, 1))`;
  }
}
