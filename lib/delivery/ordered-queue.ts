import { sql } from "drizzle-orm";
import { getDb, rowsOf } from "@/db";
import type { DeliveryStatus } from "@/db/schema";
import { env } from "@/lib/env";
import { DELIVERY_WORKFLOW } from "./run-input";

/** The delivery at the head of an ordered endpoint's queue: the one that goes (or is retried) before any other. */
export interface QueueHead {
  deliveryId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  /** Attempts made so far (all chains); 0: not sent yet. */
  attempts: number;
  /** When its next retry is due (null: now, or in flight). */
  nextAttemptAt: string | null;
}

export interface OrderedQueue {
  /** False under Inngest: ordering is kept by the embedded engine only (see the README). */
  enforced: boolean;
  head: QueueHead | null;
  /** Deliveries waiting behind the head. */
  waiting: number;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/**
 * An ordered endpoint's queue as the endpoint page shows it: its head and how many wait behind it (the embedded
 * engine's unfinished runs of the endpoint, in order). Scoped by organization: another's endpoint reads an empty queue.
 */
export async function orderedQueue({ orgId, endpointId }: { orgId: string; endpointId: string }): Promise<OrderedQueue> {
  if (env.delivery.engine !== "embedded") return { enforced: false, head: null, waiting: 0 };
  const db = await getDb();
  const result = await db.execute(sql`
    with q as (
      select r.seq, r.executions, r.input ->> 'deliveryId' as delivery_id
      from workflow_runs r join webhook_endpoints e on e.id = r.concurrency_key and e.organization_id = ${orgId}
      where r.concurrency_key = ${endpointId} and r.ordered and r.status in ('queued', 'sleeping') and r.workflow = ${DELIVERY_WORKFLOW}
    ),
    -- The engine's order: a started run first, then by seq.
    head as (select delivery_id from q order by executions = 0, seq limit 1)
    select (select count(*) from q)::int as total, d.id, d.event_id, ev.type, d.status, d.attempt_count, d.next_attempt_at
    from (select 1) one
    left join head on true
    left join deliveries d on d.id = head.delivery_id and d.organization_id = ${orgId}
    left join events ev on ev.id = d.event_id
  `);
  const [row] = rowsOf<{
    total: number;
    id: string | null;
    event_id: string;
    type: string;
    status: DeliveryStatus;
    attempt_count: number;
    next_attempt_at: Date | string | null;
  }>(result);
  if (!row || Number(row.total) === 0 || !row.id) return { enforced: true, head: null, waiting: 0 };
  return {
    enforced: true,
    head: {
      deliveryId: row.id,
      eventId: row.event_id,
      eventType: row.type,
      status: row.status,
      attempts: Number(row.attempt_count),
      nextAttemptAt: row.status === "pending" ? iso(row.next_attempt_at) : null,
    },
    waiting: Number(row.total) - 1,
  };
}
