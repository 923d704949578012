import { and, asc, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { getDb, type Db } from "@/db";
import { deliveries, deliveryAttempts, events, organizations, webhookEndpoints, type DeliveryStatus } from "@/db/schema";

export const LOGS_PAGE_SIZE = 50;

export interface DeliveryFilters {
  endpointId?: string;
  status?: DeliveryStatus;
  eventType?: string;
  /** An event id, or a sessionId / credentialId / referenceId inside the payload. */
  search?: string;
  /** Created at or after / before these times. */
  from?: Date;
  to?: Date;
  /** Keyset cursor: the (createdAt, id) of the last row of the previous page. */
  before?: { createdAt: Date; id: string };
}

export interface DeliveryListRow {
  id: string;
  createdAt: Date;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastErrorClass: string | null;
  lastDurationMs: number | null;
  eventId: string;
  eventType: string;
  test: boolean;
  endpointId: string;
  endpointUrl: string;
  endpointDescription: string;
  /** Set when the endpoint was deleted: its deliveries stay listed, marked "(deleted)". */
  endpointDeletedAt: Date | null;
  organizationName: string;
}

/**
 * The organization's deliveries, newest first, filtered, one page at a time with a keyset cursor (never OFFSET:
 * page 1,000 costs what page 1 does). Returns one row more than the page size so the caller knows a next page exists.
 */
export async function listDeliveries({ orgId }: { orgId: string }, filters: DeliveryFilters): Promise<DeliveryListRow[]> {
  return queryDeliveries(eq(deliveries.organizationId, orgId), filters);
}

/**
 * Every organization's deliveries for the Admin section (optionally one organization's). Takes the caller's admin
 * flag and fails closed: a page that forgot its own check still lists nothing.
 */
export async function listDeliveriesForAdmin(
  { isPlatformAdmin }: { isPlatformAdmin: boolean },
  filters: DeliveryFilters & { orgId?: string },
): Promise<DeliveryListRow[]> {
  if (!isPlatformAdmin) return [];
  return queryDeliveries(filters.orgId ? eq(deliveries.organizationId, filters.orgId) : undefined, filters);
}

/** An endpoint's latest deliveries, for its page (the same rows as Logs, fewer of them). */
export async function listRecentDeliveries({ orgId, endpointId, limit }: { orgId: string; endpointId: string; limit: number }): Promise<DeliveryListRow[]> {
  return buildDeliveriesQuery(await getDb(), eq(deliveries.organizationId, orgId), { endpointId }, limit);
}

async function queryDeliveries(scope: SQL | undefined, filters: DeliveryFilters): Promise<DeliveryListRow[]> {
  return buildDeliveriesQuery(await getDb(), scope, filters);
}

/** The Logs query's SQL for one organization, unexecuted: the benchmark prints its EXPLAIN. */
export async function deliveriesSqlFor({ orgId }: { orgId: string }, filters: DeliveryFilters): Promise<{ sql: string; params: unknown[] }> {
  return buildDeliveriesQuery(await getDb(), eq(deliveries.organizationId, orgId), filters).toSQL();
}

function buildDeliveriesQuery(db: Db, scope: SQL | undefined, filters: DeliveryFilters, limit = LOGS_PAGE_SIZE + 1) {
  const conditions: (SQL | undefined)[] = [scope];
  if (filters.endpointId) conditions.push(eq(deliveries.endpointId, filters.endpointId));
  if (filters.status) conditions.push(eq(deliveries.status, filters.status));
  if (filters.eventType) conditions.push(eq(events.type, filters.eventType));
  if (filters.search) {
    const term = filters.search;
    // The matching events first, through the search-keys GIN index (the same expression as in db/schema), then
    // their deliveries by event id. `= any(array(...))` makes the lookup run once, up front: as a plain `in`, the
    // planner may instead walk the whole history newest-first hoping to meet a match early.
    conditions.push(
      sql`${deliveries.eventId} = any(array(select id from events
        where (array[id, data ->> 'sessionId', data ->> 'credentialId', data ->> 'referenceId']) @> array[${term}::text]))`,
    );
  }
  if (filters.from) conditions.push(gte(deliveries.createdAt, filters.from));
  if (filters.to) conditions.push(lt(deliveries.createdAt, filters.to));
  if (filters.before) {
    // A row comparison, which the (organization, created_at, id) index serves as one range scan.
    conditions.push(sql`(${deliveries.createdAt}, ${deliveries.id}) < (${filters.before.createdAt.toISOString()}::timestamptz, ${filters.before.id})`);
  }
  return db
    .select({
      id: deliveries.id,
      createdAt: deliveries.createdAt,
      status: deliveries.status,
      attemptCount: deliveries.attemptCount,
      nextAttemptAt: deliveries.nextAttemptAt,
      lastStatusCode: deliveries.lastStatusCode,
      lastErrorClass: deliveries.lastErrorClass,
      lastDurationMs: deliveries.lastDurationMs,
      eventId: events.id,
      eventType: events.type,
      test: events.test,
      endpointId: webhookEndpoints.id,
      endpointUrl: webhookEndpoints.url,
      endpointDescription: webhookEndpoints.description,
      endpointDeletedAt: webhookEndpoints.deletedAt,
      organizationName: organizations.name,
    })
    .from(deliveries)
    .innerJoin(events, eq(events.id, deliveries.eventId))
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, deliveries.endpointId))
    .innerJoin(organizations, eq(organizations.id, deliveries.organizationId))
    .where(and(...conditions))
    .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
    .limit(limit);
}

/** One delivery of the organization with its event and every attempt; undefined for another tenant's id. */
export async function getDeliveryDetail({ orgId, id }: { orgId: string; id: string }) {
  return queryDeliveryDetail(id, orgId);
}

/** Any organization's delivery, for platform admins only (fails closed). */
export async function getDeliveryDetailForAdmin({ isPlatformAdmin, id }: { isPlatformAdmin: boolean; id: string }) {
  return isPlatformAdmin ? queryDeliveryDetail(id, undefined) : undefined;
}

async function queryDeliveryDetail(id: string, orgId: string | undefined) {
  const db = await getDb();
  const [row] = await db
    .select({
      delivery: deliveries,
      event: events,
      endpoint: {
        id: webhookEndpoints.id,
        url: webhookEndpoints.url,
        description: webhookEndpoints.description,
        active: webhookEndpoints.active,
        deletedAt: webhookEndpoints.deletedAt,
      },
    })
    .from(deliveries)
    .innerJoin(events, eq(events.id, deliveries.eventId))
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, deliveries.endpointId))
    .where(and(eq(deliveries.id, id), orgId ? eq(deliveries.organizationId, orgId) : undefined))
    .limit(1);
  if (!row) return undefined;
  const attempts = await db
    .select()
    .from(deliveryAttempts)
    .where(eq(deliveryAttempts.deliveryId, id))
    .orderBy(asc(deliveryAttempts.attemptNumber));
  return { ...row, attempts };
}
