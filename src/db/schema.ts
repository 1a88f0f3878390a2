// The drizzle schema: enums and tables, re-exported for drizzle-kit and the query builder.
export * from "./enums.js";
export * from "./tables.js";
export * from "./tables-http.js";
export * from "./case-tables.js";
export * from "./change-tables.js";
