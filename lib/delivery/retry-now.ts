import { and, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import type { z } from "zod";
import type { deliveryRefSchema } from "@/app/(portal)/webhooks/logs/schemas";
import { getDb } from "@/db";
import type { SessionContext } from "@/db/queries/users";
import { deliveries, endpointThrottles, webhookEndpoints, workflowRuns } from "@/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { assertWebhooksAllowed } from "@/lib/plans";
import { localEngine } from "./dispatch";
import { DELIVERY_WORKFLOW } from "./run-input";

/** Why Retry now is not offered on Inngest (shown beside the disabled button, and in the README). */
export const RETRY_NOW_UNSUPPORTED =
  "On Inngest a retry that waits for its backoff cannot be brought forward; it is sent at its time (or use Redeliver once it ends).";

/** Whether this installation can bring a waiting retry forward (the embedded engine stores sleeps as wake-up times). */
export function retryNowSupported(): boolean {
  return env.delivery.engine === "embedded";
}

/**
 * Retry now: a delivery that waits for its backoff (which can be 12 hours) gets its next attempt at once, in the same
 * run, so it keeps its `webhook-id`, its attempt numbering and the retries it has left. The embedded engine stores a
 * sleep as its run's wake-up time: moving that time to now is all it takes, and the run then continues exactly as it
 * would have at the end of the backoff. A run that holds a lease (an attempt under way) is left alone.
 *
 * A receiver that answered with Retry-After holds its whole endpoint until then (lib/delivery/throttle.ts); the next
 * attempt would only find that hold and sleep again. Asking to retry now is the person saying the receiver is ready,
 * so the hold ends too (the endpoint's rate limit and adaptive pacing stay); `heldUntil` says it did.
 */
export async function retryNow(
  input: z.output<typeof deliveryRefSchema>,
  ctx: SessionContext,
): Promise<{ id: string; attempt: number; heldUntil: string | null }> {
  assertWebhooksAllowed(ctx.org.plan);
  const db = await getDb();
  const [row] = await db
    .select({ delivery: deliveries, endpoint: { active: webhookEndpoints.active, deletedAt: webhookEndpoints.deletedAt } })
    .from(deliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, deliveries.endpointId))
    .where(and(eq(deliveries.id, input.id), eq(deliveries.organizationId, ctx.org.id)))
    .limit(1);
  if (!row) throw new AppError("not_found:delivery", { message: "That delivery does not exist." });
  const { delivery, endpoint } = row;
  if (delivery.status !== "pending" || !delivery.nextAttemptAt) {
    throw new AppError("conflict:delivery_not_waiting", {
      message:
        delivery.status === "pending"
          ? "This delivery is not waiting for a retry (it may be paused by billing); it goes on by itself."
          : `This delivery is ${delivery.status}, not waiting for a retry.${delivery.status === "delivering" ? "" : " Use Redeliver to send it again."}`,
    });
  }
  if (endpoint.deletedAt) throw new AppError("conflict:endpoint_deleted", { message: "Its endpoint was deleted, so nothing more is sent." });
  if (!endpoint.active) throw new AppError("conflict:endpoint_disabled", { message: "Its endpoint is disabled. Switch it to Active first." });
  if (!retryNowSupported()) throw new AppError("conflict:retry_now_unsupported", { message: RETRY_NOW_UNSUPPORTED });

  const moved = await db.transaction(async (tx) => {
    const runs = await tx
      .update(workflowRuns)
      .set({ wakeAt: sql`clock_timestamp()`, updatedAt: new Date() })
      .where(
        and(
          // The concurrency key is the endpoint: the run is found through its index, then by the delivery it runs.
          eq(workflowRuns.concurrencyKey, delivery.endpointId),
          eq(workflowRuns.workflow, DELIVERY_WORKFLOW),
          eq(workflowRuns.status, "sleeping"),
          sql`${workflowRuns.input} ->> 'deliveryId' = ${delivery.id}`,
          // clock_timestamp, not now(): a second click whose transaction began before the first one committed
          // re-reads the moved row after waiting for its lock; now() (its own start) could still be before the moved
          // wake-up time and let it "move" the run again. The clock at the re-check is always past it.
          gt(workflowRuns.wakeAt, sql`clock_timestamp()`),
          or(isNull(workflowRuns.leaseExpiresAt), lt(workflowRuns.leaseExpiresAt, sql`now()`)),
        ),
      )
      .returning({ id: workflowRuns.id });
    if (runs.length === 0) return { moved: false, heldUntil: null };
    await tx
      .update(deliveries)
      .set({ nextAttemptAt: sql`now()`, updatedAt: new Date() })
      .where(and(eq(deliveries.id, delivery.id), eq(deliveries.status, "pending")));
    const [hold] = await tx
      .select({ until: endpointThrottles.throttledUntil })
      .from(endpointThrottles)
      .where(and(eq(endpointThrottles.endpointId, delivery.endpointId), gt(endpointThrottles.throttledUntil, sql`now()`)))
      .for("update");
    if (hold?.until) {
      await tx
        .update(endpointThrottles)
        .set({ throttledUntil: null, updatedAt: new Date() })
        .where(eq(endpointThrottles.endpointId, delivery.endpointId));
    }
    return { moved: true, heldUntil: hold?.until ? hold.until.toISOString() : null };
  });
  if (!moved.moved) {
    throw new AppError("conflict:delivery_in_progress", {
      message: "Its next attempt is already under way. Its result shows here in a moment.",
    });
  }
  localEngine()?.wake();
  return { id: delivery.id, attempt: delivery.attemptCount + 1, heldUntil: moved.heldUntil };
}
