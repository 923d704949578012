import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import type { sendTestEventSchema } from "@/app/(portal)/webhooks/schemas";
import { getDb } from "@/db";
import { releaseRateLimitSlot, takeRateLimitSlot } from "@/db/queries/rate-limits";
import { findEndpointRow } from "@/db/queries/webhooks";
import type { SessionContext } from "@/db/queries/users";
import { deliveryAttempts } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { assertDeliveriesFlowing } from "@/lib/delivery/pause";
import { assertWebhooksAllowed } from "@/lib/plans";
import { findEventType } from "@/lib/events/catalog";
import { publishEvent } from "./publish";

/** Test events per endpoint per minute: enough to iterate on a receiver, too few to hammer someone else's server. */
export const TEST_EVENTS_PER_MINUTE = 5;
const SHOWN_BODY_CHARS = 2000;

export interface TestEventResult {
  eventId: string;
  deliveryId: string;
  /** "pending" when the first attempt had not finished in time (it goes on in the background). */
  outcome: "succeeded" | "failed" | "pending";
  statusCode: number | null;
  durationMs: number | null;
  responseBody: string | null;
  errorClass: string | null;
  errorMessage: string | null;
  /** The first attempt failed and the delivery will be retried on the endpoint's schedule. */
  willRetry: boolean;
}

/**
 * Send test event: publishes the type's catalog example (marked `test`) to this one endpoint through the normal
 * delivery path (signed, custom headers, retries, recorded), and waits for its first attempt, up to the endpoint's
 * timeout, to show the outcome in place.
 */
export async function sendTestEvent(input: z.output<typeof sendTestEventSchema>, ctx: SessionContext): Promise<TestEventResult> {
  assertWebhooksAllowed(ctx.org.plan);
  const endpoint = await findEndpointRow({ orgId: ctx.org.id, id: input.id });
  if (!endpoint) throw new AppError("not_found:endpoint", { message: "That endpoint does not exist or was deleted." });
  if (!endpoint.active) {
    throw new AppError("conflict:endpoint_disabled", { message: "This endpoint is disabled. Switch it to Active to send a test event." });
  }
  await assertDeliveriesFlowing(ctx.org.id);
  if (endpoint.eventTypes && !endpoint.eventTypes.includes(input.type)) {
    throw new AppError("bad_request:event_type", {
      message: `This endpoint does not receive ${input.type}. Pick one of its events, or subscribe it to this one first.`,
    });
  }
  // Taking the slot is the check: parallel clicks queue on the endpoint's key, so no more than the limit get through.
  const slot = await takeRateLimitSlot({ key: `test-event:${endpoint.id}`, limit: TEST_EVENTS_PER_MINUTE, windowMs: 60_000 });
  if (!slot.taken) {
    throw new AppError("rate_limited:test_event", {
      message: `You can send ${TEST_EVENTS_PER_MINUTE} test events a minute to one endpoint. Try again in ${slot.retryAfterSeconds} s.`,
    });
  }

  let published: Awaited<ReturnType<typeof publishEvent>>;
  try {
    published = await publishEvent(ctx.org.id, input.type, findEventType(input.type)!.example, { test: true, endpointId: endpoint.id });
  } catch (error) {
    await releaseRateLimitSlot(slot.hitId);
    throw error;
  }
  const deliveryId = published.deliveryIds[0];
  if (!deliveryId) {
    await releaseRateLimitSlot(slot.hitId);
    throw new AppError("conflict:endpoint_disabled", { message: "The endpoint was switched off meanwhile." });
  }

  const db = await getDb();
  const deadline = Date.now() + endpoint.timeoutSeconds * 1000 + 3000;
  for (;;) {
    const [attempt] = await db
      .select()
      .from(deliveryAttempts)
      .where(and(eq(deliveryAttempts.deliveryId, deliveryId), eq(deliveryAttempts.attemptNumber, 1)))
      .limit(1);
    if (attempt) {
      return {
        eventId: published.id,
        deliveryId,
        outcome: attempt.succeeded ? "succeeded" : "failed",
        statusCode: attempt.responseStatus,
        durationMs: attempt.durationMs,
        responseBody: attempt.responseBody ? attempt.responseBody.slice(0, SHOWN_BODY_CHARS) : attempt.responseBody,
        errorClass: attempt.errorClass,
        errorMessage: attempt.errorMessage,
        willRetry: !attempt.succeeded && endpoint.maxRetries > 0 && attempt.responseStatus !== 410,
      };
    }
    if (Date.now() > deadline) {
      return {
        eventId: published.id,
        deliveryId,
        outcome: "pending",
        statusCode: null,
        durationMs: null,
        responseBody: null,
        errorClass: null,
        errorMessage: null,
        willRetry: false,
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
