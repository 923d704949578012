import { sql } from "drizzle-orm";
import { boolean, index, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

export const ROLES = ["owner", "member"] as const;
export type Role = (typeof ROLES)[number];
export const roleEnum = pgEnum("role", ROLES);

/**
 * A person who signs in. Every user belongs to exactly one organization; `isPlatformAdmin` additionally lets them
 * see every organization's data in the Admin section.
 */
export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** Stored lower-cased and trimmed, so sign-in is case-insensitive. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    /** argon2id; null for people who only sign in through GitHub or OIDC. */
    passwordHash: text("password_hash"),
    role: roleEnum("role").notNull().default("member"),
    isPlatformAdmin: boolean("is_platform_admin").notNull().default(false),
    lastLoginAt: timestamp("last_login_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("users_email_key").on(sql`lower(${t.email})`),
    index("users_organization_id_idx").on(t.organizationId),
  ],
);

export type User = typeof users.$inferSelect;
