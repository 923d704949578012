import { and, eq, sql } from "drizzle-orm";
import { getDb, rowsOf } from "@/db";
import { events } from "@/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { EVENT_TYPES, findEventType } from "./catalog";
import { startDeliveryRuns } from "./dispatch";
import { DELIVERY_WORKFLOW, type DeliveryRunInput } from "./workflow";

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
  const id = newId("evt", 24);
  const embedded = env.delivery.engine === "embedded";
  // One statement, so one round trip and all-or-nothing: the event, a delivery per active subscribed endpoint,
  // and (embedded engine) a workflow run per delivery. A repeated idempotency key inserts nothing.
  const result = await db.execute(sql`
    with ev as (
      insert into events (id, organization_id, type, data, idempotency_key, test)
      values (${id}, ${orgId}, ${type}, ${JSON.stringify(payload)}::jsonb, ${options.idempotencyKey ?? null}, ${options.test ?? false})
      on conflict do nothing
      returning id, created_at
    ),
    targets as (
      select e.id from webhook_endpoints e
      where exists (select 1 from ev) and e.organization_id = ${orgId} and e.active and e.deleted_at is null
        and (e.event_types is null or ${type} = any(e.event_types))
        and (${options.endpointId ?? null}::text is null or e.id = ${options.endpointId ?? null})
    ),
    dl as (
      insert into deliveries (id, organization_id, event_id, endpoint_id)
      select 'dlv_' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 24), ${orgId}, ${id}, t.id from targets t
      returning id, endpoint_id
    ),
    runs as (
      insert into workflow_runs (id, workflow, input, concurrency_key)
      select dl.id || ':1', ${DELIVERY_WORKFLOW}, jsonb_build_object('deliveryId', dl.id, 'endpointId', dl.endpoint_id, 'firstAttempt', 1),
        dl.endpoint_id
      from dl where ${embedded}
      on conflict do nothing
    )
    select (select created_at from ev) as created_at,
      coalesce((select json_agg(json_build_object('deliveryId', dl.id, 'endpointId', dl.endpoint_id)) from dl), '[]'::json) as deliveries
  `);
  const [row] = rowsOf<{ created_at: Date | string | null; deliveries: DeliveryRunInput[] | string }>(result);
  if (!row?.created_at) {
    // The idempotency key was used before: answer with the first event, send nothing new.
    const [first] = await db
      .select()
      .from(events)
      .where(and(eq(events.organizationId, orgId), eq(events.idempotencyKey, options.idempotencyKey ?? "")))
      .limit(1);
    if (!first) throw new AppError("conflict:event", { message: "The event could not be stored. Please try again." });
    return { id: first.id, type: first.type, createdAt: first.createdAt.toISOString(), duplicate: true, deliveryIds: [] };
  }
  const runs: DeliveryRunInput[] = (typeof row.deliveries === "string" ? JSON.parse(row.deliveries) : row.deliveries).map(
    (d: DeliveryRunInput) => ({ ...d, firstAttempt: 1 }),
  );
  await startDeliveryRuns(runs);
  const createdAt = row.created_at instanceof Date ? row.created_at : new Date(row.created_at);
  return { id, type, createdAt: createdAt.toISOString(), duplicate: false, deliveryIds: runs.map((r) => r.deliveryId) };
}
