import { and, eq, sql } from "drizzle-orm";
import { getDb, getDeliveryDb, rowsOf } from "@/db";
import { retryOnDeadlock } from "@/db/deadlock";
import { createBatcher } from "@/lib/batcher";
import { events } from "@/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { jsonInputProblem, MAX_EVENT_DATA_DEPTH } from "@/lib/input-limits";
import { EVENT_TYPES, findEventType } from "@/lib/events/catalog";
import { findOperationalEventType } from "@/lib/events/operational";
import { startDeliveryRuns } from "./dispatch";
import { DELIVERY_WORKFLOW, type DeliveryRunInput } from "./run-input";

export interface PublishOptions {
  idempotencyKey?: string;
  test?: boolean;
  /** Deliver only to this endpoint (Send test event); it must still be active and the organization's. */
  endpointId?: string;
  /**
   * An operational event (lib/events/operational.ts), for the platform's own organization only (lib/operational):
   * Herald publishes these itself; the public API never does.
   */
  operational?: boolean;
}

export interface PublishedEvent {
  id: string;
  type: string;
  createdAt: string;
  /** True when the idempotency key was seen before: this is the first event, and nothing new was sent. */
  duplicate: boolean;
  deliveryIds: string[];
}

interface EventToStore {
  id: string;
  organization_id: string;
  type: string;
  data: Record<string, unknown>;
  idempotency_key: string | null;
  test: boolean;
  endpoint_id: string | null;
}

type StoredEvent = { created_at: Date | string | null; deliveries: DeliveryRunInput[] | string } | undefined;

// Events published at the same moment are stored by one statement, all-or-nothing per statement: each event, a
// delivery per active subscribed endpoint of its organization, and (embedded engine) a workflow run per delivery.
// An event whose idempotency key was seen before inserts nothing and comes back without a row.
const storeEvent = createBatcher(
  async (items: EventToStore[]): Promise<StoredEvent[]> => {
    const db = await getDeliveryDb();
    const embedded = env.delivery.engine === "embedded";
    // A deadlock with another statement on the same rows (endpoints, say) aborts this one, which stored nothing: it
    // goes again, so a publish does not fail for it.
    const result = await retryOnDeadlock(() => db.execute(sql`
      with x as (
        -- n: the order the events were published in (an ordered endpoint gets their runs in this order).
        select * from rows from (jsonb_to_recordset(${JSON.stringify(items)}::jsonb) as (id text, organization_id text, type text,
          data jsonb, idempotency_key text, test boolean, endpoint_id text)) with ordinality
          as x(id, organization_id, type, data, idempotency_key, test, endpoint_id, n)
        limit ${items.length}
      ),
      ev as (
        insert into events (id, organization_id, type, data, idempotency_key, test)
        select id, organization_id, type, data, idempotency_key, test from x
        on conflict do nothing
        returning id, organization_id, type, created_at
      ),
      -- Each delivery's id is drawn here, once (a volatile function in a CTE: computed once per row), so that the runs
      -- and the answer read it from this one list. Joining the inserted deliveries back to it instead made PostgreSQL,
      -- which expects one row from a CTE, compare every pair: 360 deliveries took 62 ms in that join alone.
      targets as (
        select 'dlv_' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 24) as id, ev.id as event_id,
          ev.organization_id, e.id as endpoint_id, e.ordered, x.n
        from ev
        join x on x.id = ev.id
        -- Bounded by the organizations at hand as well: the plan is kept for the connection's life (db/index.ts).
        join webhook_endpoints e on e.organization_id = ev.organization_id and e.active and e.deleted_at is null
          and e.organization_id = any(array(select organization_id from x))
          and (e.event_types is null or ev.type = any(e.event_types))
          and (x.endpoint_id is null or e.id = x.endpoint_id)
      ),
      dl as (
        insert into deliveries (id, organization_id, event_id, endpoint_id)
        select id, organization_id, event_id, endpoint_id from targets
      ),
      runs as (
        insert into workflow_runs (id, workflow, input, concurrency_key, group_key, ordered)
        select t.id || ':1', ${DELIVERY_WORKFLOW},
          jsonb_build_object('deliveryId', t.id, 'endpointId', t.endpoint_id, 'firstAttempt', 1), t.endpoint_id,
          t.organization_id, t.ordered
        from targets t
        where ${embedded}
        -- Their seq follows publishing order (an ordered endpoint's order). Their ids come from new delivery ids, so
        -- no conflict is possible and none is checked for (a speculative insert costs a second WAL record per row).
        order by t.n
      ),
      per_event as (
        select event_id, json_agg(json_build_object('deliveryId', id, 'endpointId', endpoint_id)) as deliveries
        from targets group by event_id
      )
      select ev.id, ev.created_at, coalesce(p.deliveries, '[]'::json) as deliveries
      from ev left join per_event p on p.event_id = ev.id
    `));
    const byId = new Map(rowsOf<{ id: string } & NonNullable<StoredEvent>>(result).map((r) => [r.id, r]));
    return items.map((i) => byId.get(i.id));
  },
  { maxBatch: 64 },
);

/**
 * Publishes an event: validates `data` against its type's schema in the catalog, stores it, and fans out one
 * delivery per active endpoint of the organization subscribed to the type, all in one statement; then starts a
 * delivery workflow per delivery. The same idempotency key returns the first event and fans out nothing new.
 */
export async function publishEvent(orgId: string, type: string, data: unknown, options: PublishOptions = {}): Promise<PublishedEvent> {
  const definition = options.operational ? findOperationalEventType(type) : findEventType(type);
  if (!definition) {
    throw new AppError("bad_request:event_type", {
      message: `Unknown event type "${String(type).slice(0, 100)}". Use one of: ${EVENT_TYPES.join(", ")}.`,
    });
  }
  // Checked before the schema and before the shared insert: one tenant's unstorable data must fail alone, with a
  // message, not inside a statement that carries other organizations' events.
  const problem = jsonInputProblem(data, "the event data", MAX_EVENT_DATA_DEPTH);
  if (problem) throw new AppError("bad_request:event_data", { message: problem });
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
  const row = await storeEvent({
    id,
    organization_id: orgId,
    type,
    data: payload,
    idempotency_key: options.idempotencyKey ?? null,
    test: options.test ?? false,
    endpoint_id: options.endpointId ?? null,
  });
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
