import { and, eq, isNull, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db";
import { countCapped, keysetCondition, keysetOrder, micros, newestFirst, type KeysetPage, type ListCount } from "./keyset";
import { auditEvents, organizations, type AuditActorType, type AuditEventRow } from "@/db/schema";

export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilters {
  action?: string;
  /** A type alone ("system") or a type and id ("user" + "usr_..."). */
  actor?: { type: AuditActorType; id?: string };
  /** Keyset cursors (see KeysetPage): events strictly older than `before`, or newer than `after`. */
  before?: KeysetPage["before"];
  after?: KeysetPage["after"];
}

export type AuditListRow = AuditEventRow & { organizationName: string | null; createdAtMicros: string };

function conditions(filters: AuditFilters): SQL[] {
  const out: SQL[] = [];
  if (filters.action) out.push(eq(auditEvents.action, filters.action));
  if (filters.actor) {
    out.push(eq(auditEvents.actorType, filters.actor.type));
    if (filters.actor.id) out.push(eq(auditEvents.actorId, filters.actor.id));
  }
  const cursor = keysetCondition(auditEvents.createdAt, auditEvents.id, filters);
  if (cursor) out.push(cursor);
  return out;
}

/**
 * One organization's audit log, newest first: a page plus one row (the extra row only says an older page exists).
 * Keyset paging on (created_at, id), never OFFSET.
 */
export async function listAuditEvents({ orgId }: { orgId: string }, filters: AuditFilters = {}): Promise<AuditListRow[]> {
  const db = await getDb();
  const rows = await db
    .select({ event: auditEvents, createdAtMicros: micros(auditEvents.createdAt) })
    .from(auditEvents)
    .where(and(eq(auditEvents.organizationId, orgId), ...conditions(filters)))
    .orderBy(...keysetOrder(auditEvents.createdAt, auditEvents.id, filters))
    .limit(AUDIT_PAGE_SIZE + 1);
  return newestFirst(rows, filters).map((r) => ({ ...r.event, createdAtMicros: r.createdAtMicros, organizationName: null }));
}

/** How many of the organization's events match the filters (cursors aside): exact up to a cap, else estimated. */
export async function countAuditEvents({ orgId }: { orgId: string }, filters: AuditFilters = {}): Promise<ListCount> {
  const db = await getDb();
  const where = and(eq(auditEvents.organizationId, orgId), ...conditions({ ...filters, before: undefined, after: undefined }));
  return countCapped(db, (limit) => {
    const query = db.select({ one: sql`1` }).from(auditEvents).where(where);
    return limit === undefined ? query : query.limit(limit);
  });
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
  const rows = await db
    .select({ event: auditEvents, organizationName: organizations.name, createdAtMicros: micros(auditEvents.createdAt) })
    .from(auditEvents)
    .leftJoin(organizations, eq(organizations.id, auditEvents.organizationId))
    .where(and(adminScope(filters), ...conditions(filters)))
    .orderBy(...keysetOrder(auditEvents.createdAt, auditEvents.id, filters))
    .limit(AUDIT_PAGE_SIZE + 1);
  return newestFirst(rows, filters).map((r) => ({ ...r.event, createdAtMicros: r.createdAtMicros, organizationName: r.organizationName }));
}

function adminScope(filters: { orgId?: string; platformOnly?: boolean }): SQL | undefined {
  return filters.platformOnly ? isNull(auditEvents.organizationId) : filters.orgId ? eq(auditEvents.organizationId, filters.orgId) : undefined;
}

/** The admin list's total, for platform admins only: fails closed like the list. */
export async function countAuditEventsForAdmin(
  { isPlatformAdmin }: { isPlatformAdmin: boolean },
  filters: AuditFilters & { orgId?: string; platformOnly?: boolean } = {},
): Promise<ListCount> {
  if (!isPlatformAdmin) return { count: 0, exact: true };
  const db = await getDb();
  const where = and(adminScope(filters), ...conditions({ ...filters, before: undefined, after: undefined }));
  return countCapped(db, (limit) => {
    const query = db.select({ one: sql`1` }).from(auditEvents).where(where);
    return limit === undefined ? query : query.limit(limit);
  });
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
