import { and, eq, inArray, sql } from "drizzle-orm";
import { getDb, rowsOf } from "@/db";
import { createBatcher } from "@/lib/batcher";
import { deliveries, webhookEndpoints, type DeliveryStatus, type Plan, type StoredHeader, type SubscriptionStatus } from "@/db/schema";
import { pauseDelivery } from "@/lib/delivery/pause";
import { decryptSecret, maskSecret } from "@/lib/crypto";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { deliveryPause } from "@/lib/plans";
import { parseRetryAfter, retryDelayMs } from "./backoff";
import { stripInternalMetadata } from "@/lib/events/catalog";
import { DISABLE_AFTER_CONSECUTIVE_FAILURES, DISABLE_AFTER_FAILING_MS, USER_AGENT } from "./constants";
import { sendAttempt, type AttemptResult } from "./send-attempt";
import { bodySignaturesHex, standardSignature } from "./sign";
import type { AttemptOutcome } from "./run-input";

/**
 * The JSON body partners receive: `{ id, type, createdAt, data }`, plus `"test": true` on a test event (Send test
 * event), so that a receiver can tell it from a real one on the wire (absent on real events).
 */
export function eventEnvelope(event: { id: string; type: string; createdAt: Date; data: Record<string, unknown>; test?: boolean }): string {
  const data = { ...event.data };
  if (data.metadata && typeof data.metadata === "object") {
    data.metadata = stripInternalMetadata(data.metadata as Record<string, unknown>);
  }
  return JSON.stringify({ id: event.id, type: event.type, createdAt: event.createdAt.toISOString(), ...(event.test ? { test: true } : {}), data });
}

interface LoadedRow {
  id: string;
  organization_id: string;
  status: DeliveryStatus;
  next_attempt_at: Date | string | null;
  endpoint_id: string;
  url: string;
  headers: StoredHeader[] | string;
  timeout_seconds: number;
  max_retries: number;
  active: boolean;
  deleted_at: Date | string | null;
  consecutive_failures: number;
  failing_since: Date | string | null;
  secret_encrypted: string;
  previous_secret_encrypted: string | null;
  previous_secret_expires_at: Date | string | null;
  event_id: string;
  type: string;
  data: Record<string, unknown> | string;
  event_created_at: Date | string;
  event_test: boolean;
  recorded_succeeded: boolean | null;
  plan: Plan;
  organization_deactivated: boolean;
  subscription_status: SubscriptionStatus | null;
}

interface DeliveryState {
  id: string;
  organizationId: string;
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
}

interface EndpointState {
  id: string;
  url: string;
  headers: StoredHeader[];
  timeoutSeconds: number;
  maxRetries: number;
  consecutiveFailures: number;
  failingSince: Date | null;
  secretEncrypted: string;
  previousSecretEncrypted: string | null;
  previousSecretExpiresAt: Date | null;
}

/** Raw rows carry timestamps as Date (postgres.js) or as text (some drivers): one reading for both. */
function toDate(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(value);
}

/** The secrets that sign right now: the current one, plus the previous one during a rotation's 24 hours. */
function signingSecrets(endpoint: EndpointState, now: Date): string[] {
  const secrets = [decryptSecret(endpoint.secretEncrypted)];
  if (endpoint.previousSecretEncrypted && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now) {
    secrets.push(decryptSecret(endpoint.previousSecretEncrypted));
  }
  return secrets;
}

function toOutcome(status: "succeeded" | "failed" | "cancelled"): AttemptOutcome {
  return { outcome: status };
}

// Attempts that start together load together: one statement marks their deliveries as being delivered (unless
// they already ended) and reads each with its endpoint, its event and whether the attempt is already recorded.
const loadForAttempt = createBatcher(
  async (items: { deliveryId: string; attemptNumber: number }[]): Promise<(LoadedRow | undefined)[]> => {
    const db = await getDb();
    const wanted = JSON.stringify(items.map((i) => ({ delivery_id: i.deliveryId, attempt_number: i.attemptNumber })));
    const result = await db.execute(sql`
      with x as (
        select * from jsonb_to_recordset(${wanted}::jsonb) as x(delivery_id text, attempt_number int)
        -- The limit tells the planner how few rows this is (it guesses 100), so it picks index lookups.
        limit ${items.length}
      ),
      d as (
        update deliveries set status = case when deliveries.status = 'pending' then 'delivering'::delivery_status else deliveries.status end,
          updated_at = now()
        from x where deliveries.id = x.delivery_id
        returning deliveries.id, deliveries.organization_id, deliveries.event_id, deliveries.endpoint_id, deliveries.status,
          deliveries.next_attempt_at, x.attempt_number
      )
      select d.id, d.organization_id, d.status, d.next_attempt_at, d.attempt_number,
        e.id as endpoint_id, e.url, e.headers, e.timeout_seconds, e.max_retries, e.active, e.deleted_at,
        e.consecutive_failures, e.failing_since, e.secret_encrypted, e.previous_secret_encrypted, e.previous_secret_expires_at,
        ev.id as event_id, ev.type, ev.data, ev.created_at as event_created_at, ev.test as event_test,
        a.succeeded as recorded_succeeded, o.plan, o.deactivated_at is not null as organization_deactivated, b.status as subscription_status
      from d
      join webhook_endpoints e on e.id = d.endpoint_id
      join events ev on ev.id = d.event_id
      join organizations o on o.id = d.organization_id
      left join organization_billing b on b.organization_id = d.organization_id
      left join delivery_attempts a on a.delivery_id = d.id and a.attempt_number = d.attempt_number
    `);
    const byKey = new Map(rowsOf<LoadedRow & { attempt_number: number }>(result).map((r) => [`${r.id}:${r.attempt_number}`, r]));
    return items.map((i) => byKey.get(`${i.deliveryId}:${i.attemptNumber}`));
  },
  { maxBatch: 64 },
);

/** Postgres text cannot hold NUL; a receiver's answer may contain it. */
const noNul = (value: string | null) => (value === null ? null : value.replace(/\u0000/g, ""));

interface RecordRow {
  delivery_id: string;
  organization_id: string;
  endpoint_id: string;
  attempt_number: number;
  started_at: string;
  duration_ms: number;
  request_url: string;
  request_headers: Record<string, string>;
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: string | null;
  response_body_truncated: boolean;
  error_class: string | null;
  error_message: string | null;
  succeeded: boolean;
  final_status: DeliveryStatus;
  next_attempt_at: string | null;
  completed_at: string | null;
}

// Attempts that finish together are recorded together: each attempt row and its delivery's new state in one
// statement, so both are stored or neither.
const recordAttempts = createBatcher(
  async (rows: RecordRow[]) => {
    const db = await getDb();
    await db.execute(sql`
      with x as (
        select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
          delivery_id text, organization_id text, endpoint_id text, attempt_number int, started_at timestamptz,
          duration_ms int, request_url text, request_headers jsonb, response_status int, response_headers jsonb,
          response_body text, response_body_truncated boolean, error_class text, error_message text, succeeded boolean,
          final_status text, next_attempt_at timestamptz, completed_at timestamptz)
        limit ${rows.length}
      ),
      recorded as (
        insert into delivery_attempts (delivery_id, organization_id, endpoint_id, attempt_number, started_at, duration_ms,
          request_url, request_headers, response_status, response_headers, response_body, response_body_truncated,
          error_class, error_message, succeeded)
        select delivery_id, organization_id, endpoint_id, attempt_number, started_at, duration_ms, request_url,
          request_headers, response_status, response_headers, response_body, response_body_truncated, error_class,
          error_message, succeeded
        from x
        on conflict (delivery_id, attempt_number) do nothing
      )
      update deliveries d set status = x.final_status::delivery_status,
        attempt_count = greatest(d.attempt_count, x.attempt_number), last_status_code = x.response_status,
        last_error_class = x.error_class, last_duration_ms = x.duration_ms, next_attempt_at = x.next_attempt_at,
        completed_at = x.completed_at, updated_at = now()
      from x
      where d.id = x.delivery_id and d.status <> 'cancelled'
    `);
    return rows.map(() => undefined);
  },
  { maxBatch: 64 },
);

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
  const row = await loadForAttempt({ deliveryId, attemptNumber });
  if (!row) return toOutcome("cancelled");
  const delivery: DeliveryState = {
    id: row.id,
    organizationId: row.organization_id,
    status: row.status,
    nextAttemptAt: toDate(row.next_attempt_at),
  };
  const endpoint: EndpointState = {
    id: row.endpoint_id,
    url: row.url,
    headers: typeof row.headers === "string" ? JSON.parse(row.headers) : row.headers,
    timeoutSeconds: row.timeout_seconds,
    maxRetries: row.max_retries,
    consecutiveFailures: row.consecutive_failures,
    failingSince: toDate(row.failing_since),
    secretEncrypted: row.secret_encrypted,
    previousSecretEncrypted: row.previous_secret_encrypted,
    previousSecretExpiresAt: toDate(row.previous_secret_expires_at),
  };
  const event = {
    id: row.event_id,
    type: row.type,
    createdAt: toDate(row.event_created_at)!,
    data: (typeof row.data === "string" ? JSON.parse(row.data) : row.data) as Record<string, unknown>,
    test: row.event_test === true,
  };

  if (row.recorded_succeeded !== null && row.recorded_succeeded !== undefined) {
    if (row.recorded_succeeded) return toOutcome("succeeded");
    if (delivery.status === "failed" || delivery.status === "cancelled") return toOutcome(delivery.status);
    // A replay of an attempt that failed and was recorded: it waits for its retry again, as it did.
    await db.update(deliveries).set({ status: "pending" }).where(and(eq(deliveries.id, deliveryId), eq(deliveries.status, "delivering")));
    const wait = delivery.nextAttemptAt ? Math.max(0, delivery.nextAttemptAt.getTime() - Date.now()) : 0;
    return { outcome: "retry", delayMs: wait };
  }
  if (delivery.status === "cancelled" || delivery.status === "succeeded" || delivery.status === "failed") {
    return toOutcome(delivery.status);
  }
  if (!row.active || row.deleted_at) {
    await db
      .update(deliveries)
      .set({ status: "cancelled", nextAttemptAt: null, completedAt: new Date(), updatedAt: new Date() })
      .where(eq(deliveries.id, deliveryId));
    return toOutcome("cancelled");
  }
  // Checked per attempt, so a downgrade or a failed payment holds back retries too, not only new deliveries.
  // A deactivated organization's deliveries wait the same way, until a platform admin reactivates it.
  if (row.organization_deactivated || deliveryPause({ plan: row.plan, status: row.subscription_status })) {
    await pauseDelivery({
      deliveryId,
      organizationId: delivery.organizationId,
      endpointId: endpoint.id,
      attemptNumber,
      chainIndex,
    });
    return { outcome: "paused" };
  }

  const now = new Date();
  const timestamp = Math.floor(now.getTime() / 1000);
  const body = eventEnvelope(event);
  const secrets = signingSecrets(endpoint, now);
  const brand = env.webhookBrand;
  // Empty for an endpoint that signs with ed25519 only: the header is then left out (lib/delivery/sign.ts says why).
  const brandSignature = bodySignaturesHex(secrets, body);
  const custom = endpoint.headers.map((h) => ({ name: h.name, value: decryptSecret(h.valueEncrypted) }));
  const headers: Record<string, string> = {};
  for (const h of custom) headers[h.name] = h.value;
  Object.assign(headers, {
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    "webhook-id": event.id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": standardSignature(secrets, event.id, timestamp, body),
    ...(brandSignature ? { [`x-${brand.toLowerCase()}-signature`]: brandSignature } : {}),
    [`x-${brand.toLowerCase()}-event`]: event.type,
    // A test event says so on the wire, beside `"test": true` in the body (GitHub's ping, Stripe's livemode).
    ...(event.test ? { [`x-${brand.toLowerCase()}-test`]: "true" } : {}),
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
  delivery: DeliveryState;
  endpoint: EndpointState;
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

  const finalStatus: DeliveryStatus = outcome.outcome === "retry" ? "pending" : (outcome.outcome as "succeeded" | "failed");
  const nextAttemptAt = outcome.outcome === "retry" ? new Date(now.getTime() + (outcome.delayMs ?? 0)) : null;
  await recordAttempts({
    delivery_id: delivery.id,
    organization_id: delivery.organizationId,
    endpoint_id: endpoint.id,
    attempt_number: attemptNumber,
    started_at: result.startedAt.toISOString(),
    duration_ms: result.durationMs,
    request_url: endpoint.url,
    request_headers: requestHeaders,
    response_status: result.statusCode,
    response_headers: result.responseHeaders
      ? Object.fromEntries(Object.entries(result.responseHeaders).map(([k, v]) => [k, noNul(v) ?? ""]))
      : null,
    response_body: noNul(result.responseBody),
    response_body_truncated: result.responseBodyTruncated,
    error_class: result.errorClass,
    error_message: noNul(result.errorMessage),
    succeeded: result.ok,
    final_status: finalStatus,
    next_attempt_at: nextAttemptAt ? nextAttemptAt.toISOString() : null,
    completed_at: outcome.outcome === "retry" ? null : now.toISOString(),
  });

  if (result.ok) {
    // Only touch the endpoint when it was failing: a healthy endpoint's deliveries cost no endpoint write.
    if (endpoint.consecutiveFailures > 0 || endpoint.failingSince) {
      await db.update(webhookEndpoints).set({ consecutiveFailures: 0, failingSince: null }).where(eq(webhookEndpoints.id, endpoint.id));
    }
    return outcome;
  }
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
  await db
    .update(webhookEndpoints)
    .set({
      consecutiveFailures: failures,
      failingSince,
      ...(reason ? { active: false, disabledReason: reason, disabledAt: now } : {}),
    })
    .where(eq(webhookEndpoints.id, endpoint.id));
  if (reason) {
    logger.warn("endpoint disabled", { endpointId: endpoint.id, reason });
    await db
      .update(deliveries)
      .set({ status: "cancelled", nextAttemptAt: null, completedAt: now, updatedAt: now })
      .where(and(eq(deliveries.endpointId, endpoint.id), inArray(deliveries.status, ["pending"])));
  }
  return outcome;
}
