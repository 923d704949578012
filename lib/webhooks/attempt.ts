import { and, eq, inArray, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { deliveries, deliveryAttempts, events, webhookEndpoints } from "@/db/schema";
import { decryptSecret, maskSecret } from "@/lib/crypto";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { parseRetryAfter, retryDelayMs } from "./backoff";
import { stripInternalMetadata } from "./catalog";
import { DISABLE_AFTER_CONSECUTIVE_FAILURES, DISABLE_AFTER_FAILING_MS, USER_AGENT } from "./constants";
import { sendAttempt, type AttemptResult } from "./send-attempt";
import { bodySignatureHex, standardSignature } from "./sign";
import type { AttemptOutcome } from "./workflow";

/** The JSON body partners receive: `{ id, type, createdAt, data }`. */
export function eventEnvelope(event: { id: string; type: string; createdAt: Date; data: Record<string, unknown> }): string {
  const data = { ...event.data };
  if (data.metadata && typeof data.metadata === "object") {
    data.metadata = stripInternalMetadata(data.metadata as Record<string, unknown>);
  }
  return JSON.stringify({ id: event.id, type: event.type, createdAt: event.createdAt.toISOString(), data });
}

/** The secrets that sign right now: the current one, plus the previous one during a rotation's 24 hours. */
function signingSecrets(endpoint: typeof webhookEndpoints.$inferSelect, now: Date): string[] {
  const secrets = [decryptSecret(endpoint.secretEncrypted)];
  if (endpoint.previousSecretEncrypted && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now) {
    secrets.push(decryptSecret(endpoint.previousSecretEncrypted));
  }
  return secrets;
}

function toOutcome(status: "succeeded" | "failed" | "cancelled"): AttemptOutcome {
  return { outcome: status };
}

/**
 * Sends attempt `attemptNumber` of a delivery and records it; returns what the workflow does next. Idempotent: if
 * this attempt is already recorded (a replay after a crash between recording and the step's own bookkeeping), its
 * recorded outcome is returned and nothing is sent again.
 */
export async function performAttempt({
  deliveryId,
  attemptNumber,
  chainIndex,
}: {
  deliveryId: string;
  attemptNumber: number;
  /** 1 for the first attempt of this chain (a redelivery starts a new chain). */
  chainIndex: number;
}): Promise<AttemptOutcome> {
  const db = await getDb();
  const [row] = await db
    .select({ delivery: deliveries, endpoint: webhookEndpoints, event: events })
    .from(deliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, deliveries.endpointId))
    .innerJoin(events, eq(events.id, deliveries.eventId))
    .where(eq(deliveries.id, deliveryId))
    .limit(1);
  if (!row) return toOutcome("cancelled");
  const { delivery, endpoint, event } = row;

  const [recorded] = await db
    .select({ succeeded: deliveryAttempts.succeeded })
    .from(deliveryAttempts)
    .where(and(eq(deliveryAttempts.deliveryId, deliveryId), eq(deliveryAttempts.attemptNumber, attemptNumber)))
    .limit(1);
  if (recorded) {
    if (recorded.succeeded) return toOutcome("succeeded");
    if (delivery.status === "failed" || delivery.status === "cancelled") return toOutcome(delivery.status);
    const wait = delivery.nextAttemptAt ? Math.max(0, delivery.nextAttemptAt.getTime() - Date.now()) : 0;
    return { outcome: "retry", delayMs: wait };
  }
  if (delivery.status === "cancelled") return toOutcome("cancelled");
  if (!endpoint.active || endpoint.deletedAt) {
    await db
      .update(deliveries)
      .set({ status: "cancelled", nextAttemptAt: null, completedAt: new Date(), updatedAt: new Date() })
      .where(eq(deliveries.id, deliveryId));
    return toOutcome("cancelled");
  }

  await db.update(deliveries).set({ status: "delivering", updatedAt: new Date() }).where(eq(deliveries.id, deliveryId));

  const now = new Date();
  const timestamp = Math.floor(now.getTime() / 1000);
  const body = eventEnvelope(event);
  const secrets = signingSecrets(endpoint, now);
  const brand = env.webhookBrand;
  const custom = endpoint.headers.map((h) => ({ name: h.name, value: decryptSecret(h.valueEncrypted) }));
  const headers: Record<string, string> = {};
  for (const h of custom) headers[h.name] = h.value;
  Object.assign(headers, {
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    "webhook-id": event.id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": standardSignature(secrets, event.id, timestamp, body),
    [`x-${brand.toLowerCase()}-signature`]: bodySignatureHex(secrets[0]!, body),
    [`x-${brand.toLowerCase()}-event`]: event.type,
  });

  const result = await sendAttempt({
    url: endpoint.url,
    headers,
    body,
    timeoutMs: endpoint.timeoutSeconds * 1000,
    allowPrivateTargets: env.delivery.allowPrivateTargets,
  });

  const masked = { ...headers };
  for (const h of custom) masked[h.name] = maskSecret(h.value);
  return recordAttempt({ delivery, endpoint, attemptNumber, chainIndex, result, requestHeaders: masked });
}

async function recordAttempt({
  delivery,
  endpoint,
  attemptNumber,
  chainIndex,
  result,
  requestHeaders,
}: {
  delivery: typeof deliveries.$inferSelect;
  endpoint: typeof webhookEndpoints.$inferSelect;
  attemptNumber: number;
  chainIndex: number;
  result: AttemptResult;
  requestHeaders: Record<string, string>;
}): Promise<AttemptOutcome> {
  const db = await getDb();
  const now = new Date();
  const gone = result.statusCode === 410;
  const retriesLeft = chainIndex <= endpoint.maxRetries;
  let outcome: AttemptOutcome;
  if (result.ok) outcome = { outcome: "succeeded" };
  else if (gone || !retriesLeft) outcome = { outcome: "failed" };
  else {
    const backoff = retryDelayMs(chainIndex, env.delivery.retryBaseMs);
    const retryAfter =
      result.statusCode === 429 || result.statusCode === 503 ? parseRetryAfter(result.responseHeaders?.["retry-after"]) : undefined;
    outcome = { outcome: "retry", delayMs: Math.max(backoff, retryAfter ?? 0) };
  }

  await db.transaction(async (tx) => {
    await tx
      .insert(deliveryAttempts)
      .values({
        deliveryId: delivery.id,
        organizationId: delivery.organizationId,
        endpointId: endpoint.id,
        attemptNumber,
        startedAt: result.startedAt,
        durationMs: result.durationMs,
        requestUrl: endpoint.url,
        requestHeaders,
        responseStatus: result.statusCode,
        responseHeaders: result.responseHeaders,
        responseBody: result.responseBody,
        responseBodyTruncated: result.responseBodyTruncated,
        errorClass: result.errorClass,
        errorMessage: result.errorMessage,
        succeeded: result.ok,
      })
      .onConflictDoNothing();
    const finalStatus = outcome.outcome === "retry" ? "pending" : (outcome.outcome as "succeeded" | "failed");
    await tx
      .update(deliveries)
      .set({
        status: finalStatus,
        attemptCount: sql`greatest(${deliveries.attemptCount}, ${attemptNumber})`,
        lastStatusCode: result.statusCode,
        lastErrorClass: result.errorClass,
        lastDurationMs: result.durationMs,
        nextAttemptAt: outcome.outcome === "retry" ? new Date(now.getTime() + (outcome.delayMs ?? 0)) : null,
        completedAt: outcome.outcome === "retry" ? null : now,
        updatedAt: now,
      })
      .where(eq(deliveries.id, delivery.id));

    if (result.ok) {
      await tx
        .update(webhookEndpoints)
        .set({ consecutiveFailures: 0, failingSince: null })
        .where(eq(webhookEndpoints.id, endpoint.id));
    } else {
      // Failing since the first failure after a success; a failed delivery (retries spent) counts towards 50.
      const failingSince = endpoint.failingSince ?? now;
      const failures = outcome.outcome === "failed" ? endpoint.consecutiveFailures + 1 : endpoint.consecutiveFailures;
      const reason = gone
        ? "The endpoint answered 410 Gone, so Herald stopped sending to it."
        : failures >= DISABLE_AFTER_CONSECUTIVE_FAILURES
          ? `Disabled after ${failures} failed deliveries in a row.`
          : now.getTime() - failingSince.getTime() >= DISABLE_AFTER_FAILING_MS
            ? "Disabled after 3 days of failed deliveries without a success."
            : null;
      await tx
        .update(webhookEndpoints)
        .set({
          consecutiveFailures: failures,
          failingSince,
          ...(reason ? { active: false, disabledReason: reason, disabledAt: now } : {}),
        })
        .where(eq(webhookEndpoints.id, endpoint.id));
      if (reason) {
        logger.warn("endpoint disabled", { endpointId: endpoint.id, reason });
        await tx
          .update(deliveries)
          .set({ status: "cancelled", nextAttemptAt: null, completedAt: now, updatedAt: now })
          .where(and(eq(deliveries.endpointId, endpoint.id), inArray(deliveries.status, ["pending"])));
      }
    }
  });
  return outcome;
}
