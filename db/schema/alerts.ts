import { sql } from "drizzle-orm";
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";
import { users } from "./users";
import { webhookEndpoints } from "./webhooks";

/** The partner alerts a person can choose to get or not (Settings -> Notifications). */
export const ALERT_KINDS = ["failing", "disabling_soon", "disabled", "recovered"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/**
 * The outbox of what an endpoint's changes tell people and the platform: a health change (with the partner alert it
 * sends, if any), a lifecycle change (created, updated, enabled, ...) and a delivery that exhausted its retries. A row
 * is written in the same statement or transaction as the change itself, so a crash never loses one; the alert drain
 * (lib/alerts/drain.ts) turns it into alert emails and an operational event, then deletes it in the transaction that
 * queues the emails, so nothing is sent twice.
 */
export const endpointNotices = pgTable(
  "endpoint_notices",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    /** The partner alert to email (null: none, e.g. a failing spell within 6 hours of the last alert). */
    alert: text("alert").$type<AlertKind>(),
    /** The operational event to publish (`endpoint.failing`, `delivery.exhausted`, ...), or null. */
    eventType: text("event_type"),
    /** What the alert and the event say: the reason, counts, last failure, the actor, the delivery. */
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** A drain took the row until this time; past it another drain may take it again (the first one crashed). */
    claimedUntil: timestamp("claimed_until", { withTimezone: true }),
    claimToken: text("claim_token"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
  },
  (t) => [index("endpoint_notices_claim_idx").on(t.claimedUntil, t.id)],
);

export type EndpointNoticeRow = typeof endpointNotices.$inferSelect;

/**
 * Alert kinds a recipient does not want. A person's choice (`userId`, from Settings -> Notifications or an
 * unsubscribe link) holds in every organization; an address from an endpoint's "Alert emails" (`email`, no account)
 * opts out for that organization only.
 */
export const notificationOptOuts = pgTable(
  "notification_opt_outs",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    organizationId: text("organization_id").references(() => organizations.id, { onDelete: "cascade" }),
    /** Lower-cased; set for an address without an account. */
    email: text("email"),
    kind: text("kind").$type<AlertKind>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("notification_opt_outs_user_key").on(t.userId, t.kind).where(sql`${t.userId} is not null`),
    uniqueIndex("notification_opt_outs_email_key").on(t.organizationId, t.email, t.kind).where(sql`${t.userId} is null`),
  ],
);
