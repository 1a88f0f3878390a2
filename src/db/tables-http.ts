import { bigint, char, index, integer, pgTable, primaryKey, text, timestamp, varchar } from "drizzle-orm/pg-core";
import { apiKeys } from "./tables.js";

/**
 * The operations an integrator's API key is bound to (`npm run operations -- register`): once a
 * key has any, it may run only these, by id (sha256 of the document, Apollo's persistedQuery
 * extension) or by sending the exact document.
 */
export const registeredOperations = pgTable(
  "registered_operations",
  {
    apiKeyId: integer("api_key_id")
      .notNull()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    /** sha256 (hex) of `document`. */
    operationId: char("operation_id", { length: 64 }).notNull(),
    /** The operation's name (the first named operation of the document), for listings and metrics. */
    name: text("name"),
    document: text("document").notNull(),
    registeredAt: timestamp("registered_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.apiKeyId, t.operationId] }),
    index("registered_operations_operation_idx").on(t.operationId),
  ],
);

/**
 * Shared rate-limit counters (RATE_LIMIT_STORE=postgres), in the layout rate-limiter-flexible's
 * RateLimiterPostgres reads and writes: `key` is `<kind>:<principal>`, `expire` epoch milliseconds.
 */
export const rateLimits = pgTable("rate_limits", {
  key: varchar("key", { length: 255 }).primaryKey(),
  points: integer("points").notNull().default(0),
  expire: bigint("expire", { mode: "number" }),
});
