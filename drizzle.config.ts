import { defineConfig } from "drizzle-kit";

// Migrations are generated from src/db/schema.ts and checked in under drizzle/;
// the application applies them itself on start (src/db/migrate.ts), on PGlite and PostgreSQL alike.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "./drizzle",
});
