import { sql } from "drizzle-orm";
import { boolean, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

export const ROLES = ["owner", "member"] as const;
export type Role = (typeof ROLES)[number];
export const roleEnum = pgEnum("role", ROLES);

/**
 * A person who signs in. Which organizations they belong to, and with which role, is in `memberships`
 * (db/schema/people.ts); `isPlatformAdmin` additionally lets them see every organization's data in the Admin section.
 */
export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    /** Stored lower-cased and trimmed, so sign-in is case-insensitive. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    /** argon2id; null for people who only sign in through GitHub or OIDC. */
    passwordHash: text("password_hash"),
    isPlatformAdmin: boolean("is_platform_admin").notNull().default(false),
    lastLoginAt: timestamp("last_login_at", { withTimezone: true }),
    /** IANA zone the portal shows times in, chosen in Settings; null: the browser's own zone. */
    timeZone: text("time_zone"),
    /**
     * Set on the one identity an organization's anonymous portal sessions (magic links without an email) act as: it
     * has no password, no membership and an address under .invalid, so nobody signs in as it; the audit log names it.
     */
    portalOrganizationId: text("portal_organization_id").references(() => organizations.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("users_email_key").on(sql`lower(${t.email})`),
    uniqueIndex("users_portal_organization_key").on(t.portalOrganizationId).where(sql`${t.portalOrganizationId} is not null`),
  ],
);

export type User = typeof users.$inferSelect;
