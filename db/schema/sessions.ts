import { sql } from "drizzle-orm";
import { index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

export const VERIFICATION_SESSION_STATUSES = ["PENDING", "COMPLETED", "PARTIAL_COMPLETE", "ERROR", "CANCELLED", "TERMINATED"] as const;
export type VerificationSessionStatus = (typeof VERIFICATION_SESSION_STATUSES)[number];
export const verificationSessionStatusEnum = pgEnum("verification_session_status", VERIFICATION_SESSION_STATUSES);

/**
 * A verification session a partner started through the API. It leaves PENDING exactly once, for a terminal status;
 * the raw attestation is never stored, only its SHA-256.
 */
export const verificationSessions = pgTable(
  "verification_sessions",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    platform: text("platform").notNull(),
    referenceId: text("reference_id"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>(),
    status: verificationSessionStatusEnum("status").notNull().default("PENDING"),
    account: jsonb("account").$type<Record<string, unknown>>(),
    attestationSha256: text("attestation_sha256"),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    idempotencyKey: text("idempotency_key"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("verification_sessions_org_created_idx").on(t.organizationId, t.createdAt),
    uniqueIndex("verification_sessions_org_idempotency_key").on(t.organizationId, t.idempotencyKey).where(sql`${t.idempotencyKey} is not null`),
  ],
);

export type VerificationSession = typeof verificationSessions.$inferSelect;
