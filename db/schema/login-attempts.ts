import { bigserial, boolean, index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Every password sign-in attempt, for throttling repeated failures per email and per IP. */
export const loginAttempts = pgTable(
  "login_attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    email: text("email").notNull(),
    ip: text("ip").notNull(),
    succeeded: boolean("succeeded").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("login_attempts_email_created_at_idx").on(t.email, t.createdAt),
    index("login_attempts_ip_created_at_idx").on(t.ip, t.createdAt),
  ],
);
