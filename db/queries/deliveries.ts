import { and, asc, desc, eq, lt, or, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db";
import { deliveries, deliveryAttempts, events, webhookEndpoints, type DeliveryStatus } from "@/db/schema";

export const LOGS_PAGE_SIZE = 50;

export interface DeliveryFilters {
  endpointId?: string;
  status?: DeliveryStatus;
  eventType?: string;
  /** An event id, or a sessionId / credentialId / referenceId inside the payload. */
  search?: string;
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
}

/**
 * The organization's deliveries, newest first, filtered, one page at a time with a keyset cursor (never OFFSET:
 * page 1,000 costs what page 1 does). Returns one row more than the page size so the caller knows a next page exists.
 */
export async function listDeliveries({ orgId }: { orgId: string }, filters: DeliveryFilters): Promise<DeliveryListRow[]> {
  const db = await getDb();
  const conditions: (SQL | undefined)[] = [eq(deliveries.organizationId, orgId)];
  if (filters.endpointId) conditions.push(eq(deliveries.endpointId, filters.endpointId));
  if (filters.status) conditions.push(eq(deliveries.status, filters.status));
  if (filters.eventType) conditions.push(eq(events.type, filters.eventType));
  if (filters.search) {
    const term = filters.search;
    conditions.push(
      or(
        eq(events.id, term),
        sql`${events.data} @> ${JSON.stringify({ sessionId: term })}::jsonb`,
        sql`${events.data} @> ${JSON.stringify({ credentialId: term })}::jsonb`,
        sql`${events.data} @> ${JSON.stringify({ referenceId: term })}::jsonb`,
      ),
    );
  }
  if (filters.before) {
    const { createdAt, id } = filters.before;
    conditions.push(or(lt(deliveries.createdAt, createdAt), and(eq(deliveries.createdAt, createdAt), lt(deliveries.id, id))));
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
    })
    .from(deliveries)
    .innerJoin(events, eq(events.id, deliveries.eventId))
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, deliveries.endpointId))
    .where(and(...conditions))
    .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
    .limit(LOGS_PAGE_SIZE + 1);
}

/** One delivery of the organization with its event and every attempt; undefined for another tenant's id. */
export async function getDeliveryDetail({ orgId, id }: { orgId: string; id: string }) {
  const db = await getDb();
  const [row] = await db
    .select({ delivery: deliveries, event: events, endpoint: { id: webhookEndpoints.id, url: webhookEndpoints.url, deletedAt: webhookEndpoints.deletedAt } })
    .from(deliveries)
    .innerJoin(events, eq(events.id, deliveries.eventId))
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, deliveries.endpointId))
    .where(and(eq(deliveries.id, id), eq(deliveries.organizationId, orgId)))
    .limit(1);
  if (!row) return undefined;
  const attempts = await db
    .select()
    .from(deliveryAttempts)
    .where(eq(deliveryAttempts.deliveryId, id))
    .orderBy(asc(deliveryAttempts.attemptNumber));
  return { ...row, attempts };
}
