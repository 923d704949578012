import { and, desc, eq, isNull, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db";
import { auditEvents, organizations, type AuditActorType, type AuditEventRow } from "@/db/schema";

export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilters {
  action?: string;
  /** A type alone ("system") or a type and id ("user" + "usr_..."). */
  actor?: { type: AuditActorType; id?: string };
  /** Keyset cursor: events strictly older than this one. */
  before?: { createdAt: Date; id: string };
}

export type AuditListRow = AuditEventRow & { organizationName: string | null };

function conditions(filters: AuditFilters): SQL[] {
  const out: SQL[] = [];
  if (filters.action) out.push(eq(auditEvents.action, filters.action));
  if (filters.actor) {
    out.push(eq(auditEvents.actorType, filters.actor.type));
    if (filters.actor.id) out.push(eq(auditEvents.actorId, filters.actor.id));
  }
  if (filters.before) {
    out.push(sql`(${auditEvents.createdAt}, ${auditEvents.id}) < (${filters.before.createdAt.toISOString()}::timestamptz, ${filters.before.id})`);
  }
  return out;
}

/**
 * One organization's audit log, newest first: a page plus one row (the extra row only says an older page exists).
 * Keyset paging on (created_at, id), never OFFSET.
 */
export async function listAuditEvents({ orgId }: { orgId: string }, filters: AuditFilters = {}): Promise<AuditListRow[]> {
  const db = await getDb();
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.organizationId, orgId), ...conditions(filters)))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(AUDIT_PAGE_SIZE + 1);
  return rows.map((r) => ({ ...r, organizationName: null }));
}

/**
 * Every organization's audit log for platform admins (and the platform-wide events, which belong to none); fails
 * closed for anyone else. `orgId` narrows it to one organization, `platformOnly` to the events of none.
 */
export async function listAuditEventsForAdmin(
  { isPlatformAdmin }: { isPlatformAdmin: boolean },
  filters: AuditFilters & { orgId?: string; platformOnly?: boolean } = {},
): Promise<AuditListRow[]> {
  if (!isPlatformAdmin) return [];
  const db = await getDb();
  const scope = filters.platformOnly ? isNull(auditEvents.organizationId) : filters.orgId ? eq(auditEvents.organizationId, filters.orgId) : undefined;
  const rows = await db
    .select({ event: auditEvents, organizationName: organizations.name })
    .from(auditEvents)
    .leftJoin(organizations, eq(organizations.id, auditEvents.organizationId))
    .where(and(scope, ...conditions(filters)))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(AUDIT_PAGE_SIZE + 1);
  return rows.map((r) => ({ ...r.event, organizationName: r.organizationName }));
}

export interface AuditActorOption {
  type: AuditActorType;
  id: string | null;
  email: string | null;
}

/** The actors that appear in an organization's log (for the actor filter), most recent first, at most 200. */
export async function listAuditActors({ orgId }: { orgId: string | null }): Promise<AuditActorOption[]> {
  const db = await getDb();
  const rows = await db
    .select({
      type: auditEvents.actorType,
      id: auditEvents.actorId,
      email: sql<string | null>`max(${auditEvents.actorEmail})`,
      last: sql<string>`max(${auditEvents.createdAt})`,
    })
    .from(auditEvents)
    .where(orgId === null ? undefined : eq(auditEvents.organizationId, orgId))
    .groupBy(auditEvents.actorType, auditEvents.actorId)
    .orderBy(sql`max(${auditEvents.createdAt}) desc`)
    .limit(200);
  return rows.map((r) => ({ type: r.type, id: r.id, email: r.email }));
}
