import { sql } from "drizzle-orm";
import { bigserial, boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, real, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";
import { webhookEndpoints } from "./webhooks";

/** One published event. `id` is also the `webhook-id` every delivery of it carries, on every retry. */
export const events = pgTable(
  "events",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    idempotencyKey: text("idempotency_key"),
    test: boolean("test").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("events_org_idempotency_key").on(t.organizationId, t.idempotencyKey).where(sql`${t.idempotencyKey} is not null`),
    index("events_org_created_idx").on(t.organizationId, t.createdAt),
    // Logs search: one GIN index over the event id and the payload's identifying fields (recipient emails
    // lowercased), so a search for any of them is a single index lookup. Queries must use exactly this expression:
    // EVENT_SEARCH_KEYS in db/queries/deliveries.ts builds the same one.
    index("events_search_keys_v2_gin").using(
      "gin",
      sql`(array[${t.id}, ${t.data} ->> 'sessionId', ${t.data} ->> 'referenceId', ${t.data} ->> 'credentialId', ${t.data} ->> 'credentialUuid', ${t.data} ->> 'previousCredentialId', ${t.data} ->> 'badgeId', ${t.data} ->> 'bulkIssuanceId', lower(${t.data} ->> 'recipientEmail')])`,
    ),
    // Prefix search on event ids (`evt_r1rgh`, as `like 'evt\_r1rgh%'`) is served by the primary key: ids compare
    // bytewise (COLLATE "C", migration 0030), and a btree in that order serves a LIKE prefix.
  ],
);

export const DELIVERY_STATUSES = ["pending", "delivering", "succeeded", "failed", "cancelled"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const deliveryStatusEnum = pgEnum("delivery_status", DELIVERY_STATUSES);

/** An event for one endpoint: the unit the delivery workflow retries. */
export const deliveries = pgTable(
  "deliveries",
  {
    id: text("id").primaryKey(),
    // Its event's organization, always. No foreign key of its own (migration 0028): the event's (events ->
    // organizations, on delete cascade, then event -> its deliveries) already ties it and removes it, and a key
    // here was checked, and the organization's row share-locked, once per delivery a publish stores.
    organizationId: text("organization_id").notNull(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    status: deliveryStatusEnum("status").notNull().default("pending"),
    attemptCount: integer("attempt_count").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    lastStatusCode: integer("last_status_code"),
    lastErrorClass: text("last_error_class"),
    lastDurationMs: integer("last_duration_ms"),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("deliveries_event_endpoint_key").on(t.eventId, t.endpointId),
    index("deliveries_org_created_idx").on(t.organizationId, t.createdAt, t.id),
    index("deliveries_endpoint_created_idx").on(t.endpointId, t.createdAt, t.id),
    index("deliveries_status_idx").on(t.organizationId, t.status, t.createdAt),
    // Prefix search on delivery ids (`dlv_7k2`): the primary key, as for events.
  ],
);

export const ERROR_CLASSES = ["timeout", "dns", "connection", "tls", "http_status", "blocked", "response_too_large"] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

/** One HTTP attempt, as sent (secret values masked) and as answered (body capped at 16 KB). */
export const deliveryAttempts = pgTable(
  "delivery_attempts",
  {
    id: bigserial("id", { mode: "number" }).notNull(),
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => deliveries.id, { onDelete: "cascade" }),
    organizationId: text("organization_id").notNull(),
    endpointId: text("endpoint_id").notNull(),
    attemptNumber: integer("attempt_number").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    durationMs: integer("duration_ms").notNull(),
    requestUrl: text("request_url").notNull(),
    requestHeaders: jsonb("request_headers").$type<Record<string, string>>().notNull(),
    responseStatus: integer("response_status"),
    responseHeaders: jsonb("response_headers").$type<Record<string, string>>(),
    responseBody: text("response_body"),
    responseBodyTruncated: boolean("response_body_truncated").notNull().default(false),
    errorClass: text("error_class").$type<ErrorClass>(),
    errorMessage: text("error_message"),
    succeeded: boolean("succeeded").notNull(),
    // Per-phase timings in milliseconds (null before they were recorded). On a reused keep-alive connection DNS,
    // connect and TLS are null (nothing was done); for an IP literal DNS is 0. TTFB runs from the moment the
    // connection is ready (or the request starts, when reused) to the response headers: the receiver's own time.
    dnsMs: real("dns_ms"),
    connectMs: real("connect_ms"),
    tlsMs: real("tls_ms"),
    ttfbMs: real("ttfb_ms"),
  },
  (t) => [
    // Range-partitioned by started_at (migration 0025, db/partitions.ts): every unique key must hold the partition
    // key, so the primary key is (id, started_at) and an attempt number is unique per delivery and start time. Only
    // the delivery's one claimed run writes its attempts, and it checks for a recorded attempt before sending, so
    // two rows with one number cannot arise; an exact replay of a recorded attempt (same start) still conflicts.
    primaryKey({ name: "delivery_attempts_pkey", columns: [t.id, t.startedAt] }),
    uniqueIndex("delivery_attempts_delivery_number_key").on(t.deliveryId, t.attemptNumber, t.startedAt),
    index("delivery_attempts_org_started_idx").on(t.organizationId, t.startedAt),
    index("delivery_attempts_started_idx").on(t.startedAt),
  ],
);

export type DeliveryRow = typeof deliveries.$inferSelect;
export type DeliveryAttemptRow = typeof deliveryAttempts.$inferSelect;
export type EventRow = typeof events.$inferSelect;
