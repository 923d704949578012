import { defineConfig } from "drizzle-kit";

// Only `drizzle-kit generate` uses this file: it diffs db/schema against the committed snapshots and needs no
// database. Migrations are applied by the app itself (db/migrate.ts), on PostgreSQL and on PGlite alike.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  casing: "snake_case",
});
