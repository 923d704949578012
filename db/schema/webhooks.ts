import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgEnum, pgTable, real, text, timestamp } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

/**
 * An endpoint's health: `healthy`; `failing` since the first failed attempt after a success (until the next success);
 * `disabled`, with its cause. Changed in the same statement as the attempt that causes it (lib/delivery/attempt.ts).
 */
export const ENDPOINT_HEALTH_STATES = ["healthy", "failing", "disabled"] as const;
export type EndpointHealthState = (typeof ENDPOINT_HEALTH_STATES)[number];
export const endpointHealthEnum = pgEnum("endpoint_health", ENDPOINT_HEALTH_STATES);

/** Why an endpoint is disabled: 410 Gone, 50 failed deliveries in a row, 3 days failing, or a person switched it off. */
export const ENDPOINT_DISABLED_CAUSES = ["gone", "consecutive_failures", "failing_too_long", "person"] as const;
export type EndpointDisabledCause = (typeof ENDPOINT_DISABLED_CAUSES)[number];
export const endpointDisabledCauseEnum = pgEnum("endpoint_disabled_cause", ENDPOINT_DISABLED_CAUSES);

/** The latest failed attempt of a failing endpoint, as alerts and the portal show it. */
export interface EndpointLastFailure {
  at: string;
  /** The HTTP status, or null when no answer came (see errorClass). */
  status: number | null;
  errorClass: string | null;
  deliveryId: string;
}

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
    /** At most this many requests per second, across every app process (null: no limit of its own). */
    rateLimitPerSecond: integer("rate_limit_per_second"),
    /**
     * Ordered delivery: events arrive one at a time in the order they were published; the next waits until the one
     * before succeeded, spent its retries or was cancelled (embedded engine; lib/workflows/embedded-engine.ts).
     */
    ordered: boolean("ordered").notNull().default(false),
    active: boolean("active").notNull().default(true),
    disabledReason: text("disabled_reason"),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    /** Failed deliveries in a row since the last success; 50 disables the endpoint. */
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    /** First failure after the last success; failing for 3 days disables the endpoint. */
    failingSince: timestamp("failing_since", { withTimezone: true }),
    health: endpointHealthEnum("health").notNull().default("healthy"),
    healthChangedAt: timestamp("health_changed_at", { withTimezone: true }),
    disabledCause: endpointDisabledCauseEnum("disabled_cause"),
    /** Failed attempts since `failingSince` (retries included); 0 while healthy. */
    failedAttempts: integer("failed_attempts").notNull().default(0),
    lastFailure: jsonb("last_failure").$type<EndpointLastFailure>(),
    /** When the last "failing" alert went out: at most one per 6 hours, however often the endpoint flaps. */
    failingAlertedAt: timestamp("failing_alerted_at", { withTimezone: true }),
    /** When the "about to be disabled" alert went out in this failing spell; cleared by a success or a switch-on. */
    disableWarnedAt: timestamp("disable_warned_at", { withTimezone: true }),
    /** Extra addresses that get this endpoint's alerts, beside the organization's owners (lower-cased). */
    alertEmails: text("alert_emails").array().notNull().default(sql`'{}'::text[]`),
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
    // The sweep that warns 12 hours before the 3-day limit reads failing endpoints only.
    index("webhook_endpoints_failing_idx").on(t.failingSince).where(sql`${t.health} = 'failing'`),
    // The same bounds the form and API enforce, kept by the database too: nothing out of range is ever stored.
    check("webhook_endpoints_timeout_range", sql`${t.timeoutSeconds} between 1 and 30`),
    check("webhook_endpoints_retries_range", sql`${t.maxRetries} between 0 and 10`),
    check("webhook_endpoints_rate_limit_range", sql`${t.rateLimitPerSecond} between 1 and 1000`),
  ],
);

/**
 * The shared send schedule of an endpoint with a rate limit or throttled by its receiver: one row per endpoint,
 * updated atomically by every process before it sends (lib/delivery/throttle.ts). No row: nothing limits it.
 */
export const endpointThrottles = pgTable("endpoint_throttles", {
  endpointId: text("endpoint_id")
    .primaryKey()
    .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
  /** The earliest moment the next request may start (the schedule's tail; a virtual-time token bucket). */
  nextSendAt: timestamp("next_send_at", { withTimezone: true }).notNull().defaultNow(),
  /** The allowed rate right after the receiver last pushed back (429/502/503/504); null: not adapting. */
  adaptiveRate: real("adaptive_rate"),
  /** When that decrease happened: the allowed rate grows back linearly from it (additive increase). */
  adaptiveSince: timestamp("adaptive_since", { withTimezone: true }),
  /** Retry-After for the endpoint as a whole: nothing is sent before it. */
  throttledUntil: timestamp("throttled_until", { withTimezone: true }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
