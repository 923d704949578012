import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

/** A custom header as stored: the value is encrypted (lib/crypto.ts) and never leaves the server in clear. */
export interface StoredHeader {
  id: string;
  name: string;
  valueEncrypted: string;
}

/**
 * A partner's HTTPS endpoint. Deleting one only stamps `deletedAt`: its delivery history stays readable in Logs.
 * `disabledReason` is set when the platform (not the partner) switched it off, e.g. after repeated failures.
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    description: text("description").notNull().default(""),
    /** null: every event type, including types added to the catalog later. */
    eventTypes: text("event_types").array(),
    headers: jsonb("headers").$type<StoredHeader[]>().notNull().default([]),
    timeoutSeconds: integer("timeout_seconds").notNull().default(30),
    maxRetries: integer("max_retries").notNull().default(3),
    active: boolean("active").notNull().default(true),
    disabledReason: text("disabled_reason"),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    /** Failed deliveries in a row since the last success; 50 disables the endpoint. */
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    /** First failure after the last success; failing for 3 days disables the endpoint. */
    failingSince: timestamp("failing_since", { withTimezone: true }),
    secretEncrypted: text("secret_encrypted").notNull(),
    /** After a rotation the old secret keeps signing, alongside the new one, until this time. */
    previousSecretEncrypted: text("previous_secret_encrypted"),
    previousSecretExpiresAt: timestamp("previous_secret_expires_at", { withTimezone: true }),
    secretRotatedAt: timestamp("secret_rotated_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
  },
  (t) => [
    index("webhook_endpoints_org_idx").on(t.organizationId, t.createdAt).where(sql`${t.deletedAt} is null`),
    // The same bounds the form and API enforce, kept by the database too: nothing out of range is ever stored.
    check("webhook_endpoints_timeout_range", sql`${t.timeoutSeconds} between 1 and 30`),
    check("webhook_endpoints_retries_range", sql`${t.maxRetries} between 0 and 10`),
  ],
);

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
