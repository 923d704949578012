import { z } from "zod";
import { AUDIT_ACTOR_TYPES, type AuditActorType } from "@/db/schema";
import type { AuditFilters } from "@/db/queries/audit";
import { decodeCursor } from "@/app/(portal)/webhooks/logs/schemas";

const auditCursor = z
  .string()
  .regex(/^\d{13,}_aud_[0-9a-z_]{1,40}$/)
  .optional()
  .catch(undefined);

/** The Audit log filters as they travel in the URL; anything unreadable is dropped rather than failing the page. */
export const auditFiltersSchema = z.object({
  action: z
    .string()
    .regex(/^[a-z_]{1,40}\.[a-z_]{1,40}$/)
    .optional()
    .catch(undefined),
  /** `system`, or `<type>:<id>` (`user:usr_...`, `api_key:key_...`). */
  actor: z
    .string()
    .regex(/^(user|api_key|platform_key|system)(:[A-Za-z0-9_]{1,64})?$/)
    .optional()
    .catch(undefined),
  /** Keyset cursors, as Logs writes them (`<createdAt µs>_<event id>`): Older and Newer. */
  before: auditCursor,
  after: auditCursor,
});
export type AuditLogFilters = z.infer<typeof auditFiltersSchema>;

/** Admin -> Audit log: one organization, or `platform` for the events of none (e.g. failed sign-ins). */
export const adminAuditFiltersSchema = auditFiltersSchema.extend({
  org: z
    .string()
    .regex(/^(org_[0-9a-z]{20}|platform)$/)
    .optional()
    .catch(undefined),
});
export type AdminAuditLogFilters = z.infer<typeof adminAuditFiltersSchema>;

/** An actor filter value as its parts. */
export function actorFilterValue(actor: { type: AuditActorType; id: string | null }): string {
  return actor.type === "system" || !actor.id ? actor.type : `${actor.type}:${actor.id}`;
}

/** The URL filters as the audit queries take them. */
export function toAuditFilters(filters: AuditLogFilters): AuditFilters {
  let actor: AuditFilters["actor"];
  if (filters.actor) {
    const [type, id] = filters.actor.split(":") as [AuditActorType, string | undefined];
    if ((AUDIT_ACTOR_TYPES as readonly string[]).includes(type)) actor = { type, id };
  }
  return { action: filters.action, actor, before: decodeCursor(filters.before), after: filters.before ? undefined : decodeCursor(filters.after) };
}
