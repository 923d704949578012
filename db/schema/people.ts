import { sql } from "drizzle-orm";
import { boolean, index, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";
import { roleEnum, users } from "./users";

/** A person's place in an organization. One row per (person, organization); at least one owner per organization. */
export const memberships = pgTable(
  "memberships",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    role: roleEnum("role").notNull().default("member"),
    /** When the person last chose this organization (switcher or sign-in): where their next sign-in lands. */
    lastSelectedAt: timestamp("last_selected_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.organizationId] }), index("memberships_organization_idx").on(t.organizationId, t.role)],
);

export type Membership = typeof memberships.$inferSelect;

/**
 * One signed-in browser. The session cookie (a JWT) names this row; the row says which organization the browser
 * is working in, and ending it (sign-out, a password change or reset, a removal) ends the session on the server at
 * once, whatever the cookie's own expiry says.
 */
export const authSessions = pgTable(
  "auth_sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userAgent: text("user_agent"),
    ip: text("ip"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    endedReason: text("ended_reason"),
    /**
     * Set for a session a magic link opened (a portal session): it sees this one organization only, never the Admin
     * section, and keeps its own copy of the link's settings so tidying links away never widens a session.
     */
    portalLinkId: text("portal_link_id"),
    /** The role of an anonymous portal session (no membership of its own); null otherwise. */
    portalRole: roleEnum("portal_role"),
    portalReturnUrl: text("portal_return_url"),
    portalEmbedded: boolean("portal_embedded").notNull().default(false),
  },
  (t) => [index("auth_sessions_user_idx").on(t.userId).where(sql`${t.endedAt} is null`), index("auth_sessions_expires_idx").on(t.expiresAt)],
);

export type AuthSession = typeof authSessions.$inferSelect;

/**
 * An invitation to join an organization. The link's token is only ever stored as its SHA-256; a resend replaces
 * it. Pending while neither accepted nor revoked (and usable until `expiresAt`).
 */
export const invitations = pgTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** Lower-cased and trimmed. */
    email: text("email").notNull(),
    role: roleEnum("role").notNull().default("member"),
    tokenHash: text("token_hash").notNull(),
    invitedBy: text("invited_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    acceptedBy: text("accepted_by").references(() => users.id, { onDelete: "set null" }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("invitations_token_hash_key").on(t.tokenHash),
    uniqueIndex("invitations_pending_email_key")
      .on(t.organizationId, t.email)
      .where(sql`${t.acceptedAt} is null and ${t.revokedAt} is null`),
    index("invitations_email_idx").on(t.email),
  ],
);

export type Invitation = typeof invitations.$inferSelect;

export const ACCOUNT_TOKEN_PURPOSES = ["password_reset", "email_change"] as const;
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number];
export const accountTokenPurposeEnum = pgEnum("account_token_purpose", ACCOUNT_TOKEN_PURPOSES);

/** Single-use links sent to a person: a password reset, or the confirmation of a new email address. Stored hashed. */
export const accountTokens = pgTable(
  "account_tokens",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: accountTokenPurposeEnum("purpose").notNull(),
    tokenHash: text("token_hash").notNull(),
    /** The address an email change moves to (lower-cased); null for a password reset. */
    newEmail: text("new_email"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("account_tokens_token_hash_key").on(t.tokenHash), index("account_tokens_user_idx").on(t.userId, t.purpose)],
);
