import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

/** `superseded`: renewed; the credential that replaced it is `renewedById`. */
export const CREDENTIAL_STATUSES = ["issued", "claimed", "revoked", "expired", "superseded"] as const;
export type CredentialStatus = (typeof CREDENTIAL_STATUSES)[number];
export const credentialStatusEnum = pgEnum("credential_status", CREDENTIAL_STATUSES);

/** A credential (badge) issued to a recipient. `id` is the public credential id, like `CRD-ZBUYQMTA`. */
export const credentials = pgTable(
  "credentials",
  {
    id: text("id").primaryKey(),
    uuid: uuid("uuid").notNull().defaultRandom(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    badgeId: text("badge_id").notNull(),
    recipientEmail: text("recipient_email").notNull(),
    recipientName: text("recipient_name"),
    status: credentialStatusEnum("status").notNull().default("issued"),
    issuanceDate: timestamp("issuance_date", { withTimezone: true }).notNull(),
    expirationDate: timestamp("expiration_date", { withTimezone: true }),
    claimedAt: timestamp("claimed_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revocationReason: text("revocation_reason"),
    /** Set, once, by the expiry job when it announces `credential.expired`. */
    expiredAt: timestamp("expired_at", { withTimezone: true }),
    renewedFromId: text("renewed_from_id"),
    renewedById: text("renewed_by_id"),
    bulkIssuanceId: text("bulk_issuance_id"),
    /** The recipient's position in its bulk issuance: a retried job step inserts nothing twice. */
    bulkIndex: integer("bulk_index"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>(),
    idempotencyKey: text("idempotency_key"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("credentials_uuid_key").on(t.uuid),
    index("credentials_org_created_idx").on(t.organizationId, t.createdAt, t.id),
    uniqueIndex("credentials_org_idempotency_key").on(t.organizationId, t.idempotencyKey).where(sql`${t.idempotencyKey} is not null`),
    uniqueIndex("credentials_bulk_position_key").on(t.bulkIssuanceId, t.bulkIndex).where(sql`${t.bulkIssuanceId} is not null`),
    // The expiry job's scan: only live credentials with an expiration date that have not been announced.
    index("credentials_due_expiry_idx")
      .on(t.expirationDate)
      .where(sql`${t.expiredAt} is null and ${t.expirationDate} is not null and ${t.status} in ('issued', 'claimed')`),
  ],
);

export type Credential = typeof credentials.$inferSelect;

export const BULK_ISSUANCE_STATUSES = ["pending", "running", "completed"] as const;
export const bulkIssuanceStatusEnum = pgEnum("bulk_issuance_status", BULK_ISSUANCE_STATUSES);

export interface BulkRecipient {
  email: string;
  name?: string;
}

export interface BulkFailure {
  index: number;
  email: string;
  reason: string;
}

/** A bulk issuance: up to 1,000 recipients issued by a background job. */
export const bulkIssuances = pgTable(
  "bulk_issuances",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    badgeId: text("badge_id").notNull(),
    expirationDate: timestamp("expiration_date", { withTimezone: true }),
    recipients: jsonb("recipients").$type<BulkRecipient[]>().notNull(),
    status: bulkIssuanceStatusEnum("status").notNull().default("pending"),
    issuedCount: integer("issued_count").notNull().default(0),
    failedCount: integer("failed_count").notNull().default(0),
    failures: jsonb("failures").$type<BulkFailure[]>().notNull().default([]),
    idempotencyKey: text("idempotency_key"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (t) => [
    index("bulk_issuances_org_created_idx").on(t.organizationId, t.createdAt),
    uniqueIndex("bulk_issuances_org_idempotency_key").on(t.organizationId, t.idempotencyKey).where(sql`${t.idempotencyKey} is not null`),
  ],
);

export type BulkIssuance = typeof bulkIssuances.$inferSelect;

/**
 * The outbox: an event a domain change must announce, written in the same transaction as the change and published
 * afterwards under its idempotency key. A crash between the commit and the publish loses nothing (the sweeper
 * publishes what is left), and a publish that runs twice stores one event.
 */
export const eventOutbox = pgTable(
  "event_outbox",
  {
    idempotencyKey: text("idempotency_key").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("event_outbox_created_idx").on(t.createdAt)],
);
