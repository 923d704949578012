import { index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";
import { users } from "./users";

/**
 * A platform API key (`hk_platform_...`): it acts on every organization through /api/platform/v1, so only platform
 * admins create one. Like partners' keys, only a SHA-256 of the 256-bit random key is stored and the prefix lets
 * people recognise it; a revoked key stays listed (greyed) so the audit log's actor keeps a name.
 */
export const platformKeys = pgTable(
  "platform_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("platform_keys_hash_key").on(t.keyHash), index("platform_keys_created_idx").on(t.createdAt)],
);

export type PlatformKeyRow = typeof platformKeys.$inferSelect;

/**
 * `POST /api/platform/v1/organizations` with an idempotency key: the key, a hash of the request it came with, and
 * the organization it created, so a retry answers 200 with that organization instead of 409.
 */
export const platformIdempotencyKeys = pgTable("platform_idempotency_keys", {
  key: text("key").primaryKey(),
  requestHash: text("request_hash").notNull(),
  organizationId: text("organization_id")
    .notNull()
    .references(() => organizations.id, { onDelete: "cascade" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
