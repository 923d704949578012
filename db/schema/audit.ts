import { index, jsonb, pgEnum, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const AUDIT_ACTOR_TYPES = ["user", "api_key", "platform_key", "system"] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];
export const auditActorTypeEnum = pgEnum("audit_actor_type", AUDIT_ACTOR_TYPES);

/** One changed field: before and after, or "(changed)" for a secret's value. */
export type AuditChange = { from?: unknown; to?: unknown } | "(changed)";

/**
 * The audit log: who did what to which object, when and from where. Append-only: a trigger (migration 0008) refuses
 * UPDATE, TRUNCATE and DELETE, apart from the retention purge, which deletes with `herald.audit_purge` set for its
 * transaction. No foreign keys, so the record outlives the organization, person or object it names; the actor's
 * email is copied in for the same reason.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: text("id").primaryKey(),
    /** Null for platform-wide events (e.g. a failed sign-in for an unknown email). */
    organizationId: text("organization_id"),
    actorType: auditActorTypeEnum("actor_type").notNull(),
    actorId: text("actor_id"),
    actorEmail: text("actor_email"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    ip: text("ip"),
    changes: jsonb("changes").$type<Record<string, AuditChange>>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("audit_events_org_created_idx").on(t.organizationId, t.createdAt.desc(), t.id.desc()),
    index("audit_events_created_idx").on(t.createdAt.desc(), t.id.desc()),
    index("audit_events_org_action_idx").on(t.organizationId, t.action, t.createdAt.desc()),
    index("audit_events_org_actor_idx").on(t.organizationId, t.actorId, t.createdAt.desc()),
  ],
);

export type AuditEventRow = typeof auditEvents.$inferSelect;
