import { bigserial, index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * One row per action let through a sliding-window limit (e.g. `test-event:<endpoint id>`). The row is written in the
 * same transaction as the count, under a lock on the key, so the insert is the check: concurrent callers cannot all
 * see room for one more.
 */
export const rateLimitHits = pgTable(
  "rate_limit_hits",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    key: text("key").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("rate_limit_hits_key_created_at_idx").on(t.key, t.createdAt)],
);
