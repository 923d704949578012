/**
 * What a developer who builds webhooks on a general-purpose queue writes around it, shared by the graphile-worker,
 * pg-boss and BullMQ runs of `npm run bench:peers`: their own events, endpoints, deliveries and attempts tables, the
 * publish (an event row and one delivery row per endpoint, in one statement), and the per-delivery work, which is
 * Herald's: load the delivery with its endpoint and event, build the same envelope, decrypt the secret, sign both
 * ways (lib/delivery/sign.ts), POST with the endpoint's timeout and read the body (Herald's own sender, so the
 * difference measured is the queue, not the HTTP client), then one statement that stores the attempt (the first
 * 16 KB of the response) and the delivery's status. A failed attempt throws, so the queue's own retry runs.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Pool } from "pg";
import { encryptSecret, decryptSecret } from "@/lib/crypto";
import { eventEnvelope } from "@/lib/delivery/attempt";
import { DELIVERING_AFTER_MS, USER_AGENT } from "@/lib/delivery/constants";
import { sendAttempt } from "@/lib/delivery/send-attempt";
import { bodySignaturesHex, standardSignature } from "@/lib/delivery/sign";
import { env } from "@/lib/env";

export const PEER_SCHEMA = `
create table bench_endpoints (
  id text primary key, url text not null, secret_encrypted text not null,
  timeout_seconds int not null default 30, max_retries int not null default 5
);
create table bench_events (id text primary key, type text not null, data jsonb not null, created_at timestamptz not null default now());
create table bench_deliveries (
  id text primary key, event_id text not null references bench_events, endpoint_id text not null references bench_endpoints,
  status text not null default 'pending', attempts int not null default 0,
  created_at timestamptz not null default now(), updated_at timestamptz not null default now(), completed_at timestamptz
);
create index on bench_deliveries (event_id);
create index on bench_deliveries (endpoint_id, created_at);
create table bench_attempts (
  id bigserial primary key, delivery_id text not null references bench_deliveries, attempt_number int not null,
  started_at timestamptz not null, duration_ms int not null, status_code int, response_headers jsonb, response_body text,
  response_body_truncated boolean not null, error_class text, error_message text, succeeded boolean not null,
  unique (delivery_id, attempt_number)
);
`;

export async function createPeerEndpoints(pool: Pool, receiverUrl: string, count: number): Promise<void> {
  await pool.query(PEER_SCHEMA);
  for (let i = 0; i < count; i += 1) {
    const secret = `whsec_${randomBytes(24).toString("base64")}`;
    await pool.query("insert into bench_endpoints (id, url, secret_encrypted) values ($1, $2, $3)", [
      `ep_${i}`,
      `${receiverUrl}/endpoint-${i}`,
      encryptSecret(secret),
    ]);
  }
}

export interface PeerJob {
  deliveryId: string;
}

/** Stores an event and one delivery per endpoint (one statement); returns the jobs to enqueue, one per delivery. */
export async function publishPeerEvent(pool: Pool, type: string, data: unknown): Promise<PeerJob[]> {
  const eventId = `evt_${randomUUID().replaceAll("-", "")}`;
  const { rows } = await pool.query<{ id: string }>(
    `with ev as (insert into bench_events (id, type, data) values ($1, $2, $3) returning id)
     insert into bench_deliveries (id, event_id, endpoint_id)
     select 'dlv_' || replace(gen_random_uuid()::text, '-', ''), ev.id, e.id from ev, bench_endpoints e
     returning id`,
    [eventId, type, JSON.stringify(data)],
  );
  return rows.map((r) => ({ deliveryId: r.id }));
}

interface LoadedDelivery {
  status: string;
  url: string;
  secret_encrypted: string;
  timeout_seconds: number;
  max_retries: number;
  event_id: string;
  type: string;
  data: Record<string, unknown>;
  created_at: Date;
}

/** Thrown for a failed attempt that has retries left, so the queue schedules the next one. */
export class AttemptFailed extends Error {}

/**
 * One attempt of one delivery, numbered by the queue (1 for the first). Returns quietly when it succeeded, when the
 * delivery had already ended (a queue's at-least-once replay) or when its retries are spent (recorded as failed);
 * throws AttemptFailed when the queue should retry.
 */
export async function deliverPeerJob(pool: Pool, job: PeerJob, attemptNumber: number): Promise<void> {
  const { rows } = await pool.query<LoadedDelivery>(
    `with d as (select id, status, event_id, endpoint_id from bench_deliveries where id = $1)
     select d.status, e.url, e.secret_encrypted, e.timeout_seconds, e.max_retries, ev.id as event_id, ev.type, ev.data, ev.created_at
     from d join bench_endpoints e on e.id = d.endpoint_id join bench_events ev on ev.id = d.event_id`,
    [job.deliveryId],
  );
  const row = rows[0];
  if (!row || row.status === "succeeded" || row.status === "failed") return;

  const now = new Date();
  const timestamp = Math.floor(now.getTime() / 1000);
  const body = eventEnvelope({ id: row.event_id, type: row.type, createdAt: row.created_at, data: row.data });
  const secrets = [decryptSecret(row.secret_encrypted)];
  const brand = env.webhookBrand.toLowerCase();
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    "webhook-id": row.event_id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": standardSignature(secrets, row.event_id, timestamp, body),
    [`x-${brand}-signature`]: bodySignaturesHex(secrets, body),
    [`x-${brand}-event`]: row.type,
  };
  // As Herald does: an attempt still in flight after DELIVERING_AFTER_MS marks its delivery `delivering`.
  let marked: Promise<unknown> | undefined;
  const timer = setTimeout(() => {
    marked = pool
      .query("update bench_deliveries set status = 'delivering', updated_at = now() where id = $1 and status = 'pending'", [job.deliveryId])
      .catch(() => undefined);
  }, DELIVERING_AFTER_MS);
  const result = await sendAttempt({
    url: row.url,
    headers,
    body,
    timeoutMs: row.timeout_seconds * 1000,
    allowPrivateTargets: env.delivery.allowPrivateTargets,
  });
  clearTimeout(timer);
  await marked;
  const retriesLeft = attemptNumber <= row.max_retries;
  const status = result.ok ? "succeeded" : retriesLeft ? "pending" : "failed";
  await pool.query(
    `with a as (
       insert into bench_attempts (delivery_id, attempt_number, started_at, duration_ms, status_code, response_headers,
         response_body, response_body_truncated, error_class, error_message, succeeded)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       on conflict (delivery_id, attempt_number) do nothing
     )
     update bench_deliveries set status = $12, attempts = $2, updated_at = now(),
       completed_at = case when $12 = 'pending' then null else now() end
     where id = $1`,
    [
      job.deliveryId,
      attemptNumber,
      result.startedAt,
      result.durationMs,
      result.statusCode,
      result.responseHeaders ? JSON.stringify(result.responseHeaders) : null,
      result.responseBody?.replaceAll("\u0000", "") ?? null,
      result.responseBodyTruncated,
      result.errorClass,
      result.errorMessage,
      result.ok,
      status,
    ],
  );
  if (status === "pending") throw new AttemptFailed(result.errorMessage ?? `attempt ${attemptNumber} failed`);
}
