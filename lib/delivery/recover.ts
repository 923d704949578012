import { and, eq, inArray, sql } from "drizzle-orm";
import type { z } from "zod";
import type { deliveryProgressSchema, redeliverFailedSchema } from "@/app/(portal)/webhooks/schemas";
import { getDb, rowsOf } from "@/db";
import { findEndpointRow } from "@/db/queries/webhooks";
import type { SessionContext } from "@/db/queries/users";
import { deliveries, type DeliveryStatus } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { assertWebhooksAllowed } from "@/lib/plans";
import { enqueueDeliveryRun, redeliveryKey, startDeliveryRuns } from "./dispatch";
import type { DeliveryRunInput } from "./run-input";

/** At most this many deliveries per recovery: a bounded burst, never an unbounded replay of history. */
export const RECOVER_LIMIT = 1000;

/**
 * "Redeliver failed since…": restarts every delivery of an endpoint created since a time that did not arrive (oldest
 * first, at most RECOVER_LIMIT), each as a fresh chain with its original `webhook-id`: the failed ones, and the
 * cancelled ones, which an endpoint switched off, deleted or disabled by Herald cut short (waiting for a retry, or
 * mid-attempt). After an outage the partner wants everything that did not arrive, whichever way it ended. Returns the
 * ids, to follow progress.
 */
export async function redeliverFailedSince(
  input: z.output<typeof redeliverFailedSchema>,
  ctx: SessionContext,
): Promise<{ ids: string[]; capped: boolean }> {
  assertWebhooksAllowed(ctx.org.plan);
  const endpoint = await findEndpointRow({ orgId: ctx.org.id, id: input.id });
  if (!endpoint) throw new AppError("not_found:endpoint", { message: "That endpoint does not exist or was deleted." });
  if (!endpoint.active) {
    throw new AppError("conflict:endpoint_disabled", { message: "Switch the endpoint to Active first, then redeliver." });
  }
  const db = await getDb();
  // One statement picks the failed and cancelled deliveries and restarts them; the status check stops a double click
  // from starting two chains for one delivery.
  const result = await db.execute(sql`
    with picked as (
      select id from deliveries
      where organization_id = ${ctx.org.id} and endpoint_id = ${endpoint.id} and status in ('failed', 'cancelled')
        and created_at >= ${input.since.toISOString()}::timestamptz
      order by created_at
      limit ${RECOVER_LIMIT + 1}
    ),
    restarted as (
      update deliveries d set status = 'pending', next_attempt_at = now(), completed_at = null, updated_at = now()
      where d.id in (select id from picked order by id limit ${RECOVER_LIMIT}) and d.status in ('failed', 'cancelled')
      returning d.id, d.attempt_count
    )
    select (select count(*) from picked)::int as picked, coalesce(json_agg(json_build_object('id', id, 'attemptCount', attempt_count)), '[]'::json) as restarted
    from restarted
  `);
  const [row] = rowsOf<{ picked: number; restarted: { id: string; attemptCount: number }[] | string }>(result);
  const restarted = typeof row?.restarted === "string" ? JSON.parse(row.restarted) : (row?.restarted ?? []);
  const key = redeliveryKey();
  const runs: DeliveryRunInput[] = restarted.map((r: { id: string; attemptCount: number }) => ({
    deliveryId: r.id,
    endpointId: endpoint.id,
    firstAttempt: r.attemptCount + 1,
    resumeKey: key,
  }));
  for (const run of runs) await enqueueDeliveryRun(run);
  await startDeliveryRuns(runs);
  return { ids: runs.map((r) => r.deliveryId), capped: Number(row?.picked ?? 0) > RECOVER_LIMIT };
}

/** How far a recovery got: the statuses of its deliveries (the caller's own only). */
export async function deliveryProgress(
  input: z.output<typeof deliveryProgressSchema>,
  ctx: SessionContext,
): Promise<Record<DeliveryStatus, number>> {
  const counts: Record<DeliveryStatus, number> = { pending: 0, delivering: 0, succeeded: 0, failed: 0, cancelled: 0 };
  if (input.ids.length === 0) return counts;
  const db = await getDb();
  const rows = await db
    .select({ status: deliveries.status, n: sql<number>`count(*)::int` })
    .from(deliveries)
    .where(and(eq(deliveries.organizationId, ctx.org.id), inArray(deliveries.id, input.ids)))
    .groupBy(deliveries.status);
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}
