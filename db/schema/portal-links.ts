import { boolean, index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";
import { roleEnum } from "./users";

/**
 * A magic link into one organization's portal, minted by the platform API (`POST /api/platform/v1/organizations/
 * {org}/portal-sessions`). Only the SHA-256 of its 256-bit token is stored. It opens once: `usedAt` is set by a
 * guarded UPDATE (`where used_at is null and expires_at > now()`), so of two opens at the same time exactly one wins.
 */
export const portalLinks = pgTable(
  "portal_links",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    /** Lower-cased; the session is this person's (made a member on first use). Null: an anonymous portal session. */
    email: text("email"),
    /** The role of an anonymous session, or of a person made a member by this link (an existing member keeps theirs). */
    role: roleEnum("role").notNull().default("member"),
    /** Where "Back to <platform>" leads; checked against PORTAL_RETURN_ORIGINS when the link is made. */
    returnUrl: text("return_url"),
    /** Whether the session opens in the embedded layout (no sidebar, meant for a frame in the platform's pages). */
    embedded: boolean("embedded").notNull().default(false),
    /** Who asked for it, as the audit log names actors ("platform_key:<id>", "user:<id>", "system"). */
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    /** The auth_sessions row the link opened (no foreign key: either may be tidied away first). */
    sessionId: text("session_id"),
  },
  (t) => [uniqueIndex("portal_links_token_hash_key").on(t.tokenHash), index("portal_links_organization_idx").on(t.organizationId, t.createdAt)],
);

export type PortalLink = typeof portalLinks.$inferSelect;
