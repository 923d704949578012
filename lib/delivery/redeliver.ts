import { and, eq, inArray } from "drizzle-orm";
import type { z } from "zod";
import type { deliveryRefSchema } from "@/app/(portal)/webhooks/logs/schemas";
import { getDb } from "@/db";
import type { SessionContext } from "@/db/queries/users";
import { deliveries, webhookEndpoints } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { assertWebhooksAllowed } from "@/lib/plans";
import { enqueueDeliveryRun, redeliveryKey, startDeliveryRuns } from "./dispatch";

/**
 * Redeliver: a fresh chain of attempts for the same event and endpoint, with the same `webhook-id`, recorded in the
 * same history (attempt numbers continue after the last one).
 */
export async function redeliver(input: z.output<typeof deliveryRefSchema>, ctx: SessionContext): Promise<{ id: string; firstAttempt: number }> {
  assertWebhooksAllowed(ctx.org.plan);
  const db = await getDb();
  const [row] = await db
    .select({ delivery: deliveries, endpoint: { active: webhookEndpoints.active, deletedAt: webhookEndpoints.deletedAt } })
    .from(deliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, deliveries.endpointId))
    .where(and(eq(deliveries.id, input.id), eq(deliveries.organizationId, ctx.org.id)))
    .limit(1);
  if (!row) throw new AppError("not_found:delivery", { message: "That delivery does not exist." });
  if (row.endpoint.deletedAt) throw new AppError("conflict:endpoint_deleted", { message: "Its endpoint was deleted, so it cannot be redelivered." });
  if (!row.endpoint.active) {
    throw new AppError("conflict:endpoint_disabled", { message: "Its endpoint is disabled. Switch it to Active, then redeliver." });
  }
  const firstAttempt = row.delivery.attemptCount + 1;
  // Only a finished delivery restarts; the status check in the same statement stops two clicks from starting two chains.
  const restarted = await db
    .update(deliveries)
    .set({ status: "pending", nextAttemptAt: new Date(), completedAt: null, updatedAt: new Date() })
    .where(and(eq(deliveries.id, input.id), inArray(deliveries.status, ["succeeded", "failed", "cancelled"])))
    .returning({ id: deliveries.id });
  if (restarted.length === 0) {
    throw new AppError("conflict:delivery_in_progress", { message: "This delivery is still in progress; wait for it to finish." });
  }
  const run = { deliveryId: input.id, endpointId: row.delivery.endpointId, firstAttempt, resumeKey: redeliveryKey() };
  await enqueueDeliveryRun(run);
  await startDeliveryRuns([run]);
  return { id: input.id, firstAttempt };
}
