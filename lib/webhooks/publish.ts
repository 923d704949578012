import { and, eq, isNull, or, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { deliveries, events, webhookEndpoints } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { EVENT_TYPES, findEventType } from "./catalog";
import { enqueueDeliveryRuns, startDeliveryRuns } from "./dispatch";
import type { DeliveryRunInput } from "./workflow";

export interface PublishOptions {
  idempotencyKey?: string;
  test?: boolean;
  /** Deliver only to this endpoint (Send test event); it must still be active and the organization's. */
  endpointId?: string;
}

export interface PublishedEvent {
  id: string;
  type: string;
  createdAt: string;
  /** True when the idempotency key was seen before: this is the first event, and nothing new was sent. */
  duplicate: boolean;
  deliveryIds: string[];
}

/**
 * Publishes an event: validates `data` against its type's schema in the catalog, stores it, and fans out one
 * delivery per active endpoint of the organization subscribed to the type, all in one transaction; then starts a
 * delivery workflow per delivery. The same idempotency key returns the first event and fans out nothing new.
 */
export async function publishEvent(orgId: string, type: string, data: unknown, options: PublishOptions = {}): Promise<PublishedEvent> {
  const definition = findEventType(type);
  if (!definition) {
    throw new AppError("bad_request:event_type", {
      message: `Unknown event type "${String(type).slice(0, 100)}". Use one of: ${EVENT_TYPES.join(", ")}.`,
    });
  }
  const parsed = definition.schema.safeParse(data);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) (fieldErrors[["data", ...issue.path].join(".")] ??= []).push(issue.message);
    throw new AppError("bad_request:event_data", {
      message: `The data does not match the ${type} schema.`,
      fieldErrors,
    });
  }
  const payload = parsed.data as Record<string, unknown>;
  const db = await getDb();
  const runs: DeliveryRunInput[] = [];

  const result = await db.transaction(async (tx) => {
    if (options.idempotencyKey) {
      const [existing] = await tx
        .select()
        .from(events)
        .where(and(eq(events.organizationId, orgId), eq(events.idempotencyKey, options.idempotencyKey)))
        .limit(1);
      if (existing) return { event: existing, duplicate: true, deliveryIds: [] as string[] };
    }
    const id = newId("evt", 24);
    const inserted = await tx
      .insert(events)
      .values({ id, organizationId: orgId, type, data: payload, idempotencyKey: options.idempotencyKey ?? null, test: options.test ?? false })
      .onConflictDoNothing()
      .returning();
    const event = inserted[0];
    if (!event) {
      // Another request with the same key committed first.
      const [first] = await tx
        .select()
        .from(events)
        .where(and(eq(events.organizationId, orgId), eq(events.idempotencyKey, options.idempotencyKey ?? "")))
        .limit(1);
      return { event: first!, duplicate: true, deliveryIds: [] as string[] };
    }
    const targets = await tx
      .select({ id: webhookEndpoints.id })
      .from(webhookEndpoints)
      .where(
        and(
          eq(webhookEndpoints.organizationId, orgId),
          eq(webhookEndpoints.active, true),
          isNull(webhookEndpoints.deletedAt),
          or(isNull(webhookEndpoints.eventTypes), sql`${type} = any(${webhookEndpoints.eventTypes})`),
          options.endpointId ? eq(webhookEndpoints.id, options.endpointId) : undefined,
        ),
      );
    const rows = targets.map((t) => ({ id: newId("dlv", 24), organizationId: orgId, eventId: id, endpointId: t.id }));
    if (rows.length > 0) {
      await tx.insert(deliveries).values(rows);
      for (const r of rows) runs.push({ deliveryId: r.id, endpointId: r.endpointId, firstAttempt: 1 });
      await enqueueDeliveryRuns(tx, runs);
    }
    return { event, duplicate: false, deliveryIds: rows.map((r) => r.id) };
  });

  await startDeliveryRuns(runs);
  return {
    id: result.event.id,
    type: result.event.type,
    createdAt: result.event.createdAt.toISOString(),
    duplicate: result.duplicate,
    deliveryIds: result.deliveryIds,
  };
}
