import { and, eq, sql, type SQL } from "drizzle-orm";
import { getDb, getDeliveryDb, rowsOf } from "@/db";
import { retryOnDeadlock } from "@/db/deadlock";
import { createBatcher } from "@/lib/batcher";
import { deliveries, type DeliveryStatus, type Plan, type StoredHeader, type SubscriptionStatus } from "@/db/schema";
import { pauseDelivery } from "@/lib/delivery/pause";
import { decryptSecretCached, maskSecret } from "@/lib/crypto";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { deliveryPause } from "@/lib/plans";
import { parseRetryAfter, retryDelayMs } from "./backoff";
import { stripInternalMetadata } from "@/lib/events/catalog";
import { DELIVERING_AFTER_MS, DISABLE_AFTER_CONSECUTIVE_FAILURES, DISABLE_AFTER_FAILING_MS, USER_AGENT } from "./constants";
import {
  DISABLED_REASONS,
  FAILING_ALERT_INTERVAL_SECONDS,
  noticesWritten,
  WARN_AFTER_CONSECUTIVE_FAILURES,
  WARN_AFTER_FAILING_SECONDS,
} from "./health";
import { cancelEndpointDeliveries } from "./dispatch";
import { sendAttempt, type AttemptResult } from "./send-attempt";
import { ADAPTIVE_TTL_SECONDS, RESERVE_HORIZON_MS, slowDownEndpoint, takeSendSlot, THROTTLE_STATUSES, throttleBackoffMs } from "./throttle";
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
  rate_limit_per_second: number | null;
  /** The receiver pushed back lately (adaptive rate or Retry-After in force): sends take a slot first. */
  throttled: boolean;
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
  const secrets = [decryptSecretCached(endpoint.secretEncrypted)];
  if (endpoint.previousSecretEncrypted && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now) {
    secrets.push(decryptSecretCached(endpoint.previousSecretEncrypted));
  }
  return secrets;
}

function toOutcome(status: "succeeded" | "failed" | "cancelled"): AttemptOutcome {
  return { outcome: status };
}

// Attempts that start together load together: one statement reads each delivery with its endpoint, its event and
// whether the attempt is already recorded. It writes nothing: an attempt that takes a while marks its delivery
// `delivering` on its own (see markDelivering).
const loadForAttempt = createBatcher(
  async (items: { deliveryId: string; attemptNumber: number }[]): Promise<(LoadedRow | undefined)[]> => {
    const db = await getDeliveryDb();
    const wanted = JSON.stringify(items.map((i) => ({ delivery_id: i.deliveryId, attempt_number: i.attemptNumber })));
    const result = await db.execute(sql`
      with x as (
        select * from jsonb_to_recordset(${wanted}::jsonb) as x(delivery_id text, attempt_number int)
        -- The limit tells the planner how few rows this is (it guesses 100), so it picks index lookups.
        limit ${items.length}
      ),
      -- Every table below is also bounded by the keys at hand (= any(array(...))): these plans are kept for the
      -- connection's life (db/index.ts), so whichever side of a join PostgreSQL starts from, it reads only those rows.
      d as materialized (
        select deliveries.id, deliveries.organization_id, deliveries.event_id, deliveries.endpoint_id, deliveries.status,
          deliveries.next_attempt_at, deliveries.attempt_count, x.attempt_number
        from x join deliveries on deliveries.id = x.delivery_id
        where deliveries.id = any(array(select delivery_id from x))
      )
      select d.id, d.organization_id, d.status, d.next_attempt_at, d.attempt_number,
        e.id as endpoint_id, e.url, e.headers, e.timeout_seconds, e.max_retries, e.active, e.deleted_at,
        e.consecutive_failures, e.failing_since, e.secret_encrypted, e.previous_secret_encrypted, e.previous_secret_expires_at,
        ev.id as event_id, ev.type, ev.data, ev.created_at as event_created_at, ev.test as event_test,
        -- An attempt is recorded in the same statement that raises its delivery's attempt_count (recordAttempts):
        -- a count at or past this attempt's number means it was recorded (and, when it was the last, it succeeded
        -- if the delivery did). No need to look in the attempts' partitions.
        case when d.attempt_count >= d.attempt_number then d.status = 'succeeded' end as recorded_succeeded, o.plan, o.deactivated_at is not null as organization_deactivated, b.status as subscription_status,
        e.rate_limit_per_second, coalesce(th.throttled_until > now()
          or th.adaptive_since > now() - ${ADAPTIVE_TTL_SECONDS}::float8 * interval '1 second', false) as throttled
      from d
      join webhook_endpoints e on e.id = d.endpoint_id and e.id = any(array(select endpoint_id from d))
      join events ev on ev.id = d.event_id and ev.id = any(array(select event_id from d))
      join organizations o on o.id = d.organization_id and o.id = any(array(select organization_id from d))
      left join organization_billing b on b.organization_id = d.organization_id
        and b.organization_id = any(array(select organization_id from d))
      left join endpoint_throttles th on th.endpoint_id = d.endpoint_id and th.endpoint_id = any(array(select endpoint_id from d))
    `);
    const byKey = new Map(rowsOf<LoadedRow & { attempt_number: number }>(result).map((r) => [`${r.id}:${r.attempt_number}`, r]));
    return items.map((i) => byKey.get(`${i.deliveryId}:${i.attemptNumber}`));
  },
  { maxBatch: 64 },
);

// Attempts in flight for DELIVERING_AFTER_MS mark their deliveries `delivering`, together (unless they ended or
// were cancelled meanwhile).
const markDelivering = createBatcher(
  async (ids: string[]): Promise<undefined[]> => {
    const db = await getDeliveryDb();
    await db.execute(sql`
      update deliveries set status = 'delivering', updated_at = now()
      where id = any(array(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))) and status = 'pending'
    `);
    return ids.map(() => undefined);
  },
  { maxBatch: 64 },
);

/**
 * Marks the delivery `delivering` once its attempt has been in flight for DELIVERING_AFTER_MS. `settled()` stops the
 * timer and waits for a mark already sent, so the mark never lands after the attempt's own result. Best effort: a
 * mark that fails only leaves the delivery showing `pending` a little longer.
 */
function markDeliveringAfter(deliveryId: string): { settled: () => Promise<void> } {
  let marked: Promise<void> | undefined;
  const timer = setTimeout(() => {
    marked = markDelivering(deliveryId).catch((error: unknown) => logger.warn("could not mark a delivery as delivering", { deliveryId, error }));
  }, DELIVERING_AFTER_MS);
  return {
    settled: async () => {
      clearTimeout(timer);
      await marked;
    },
  };
}

/** Postgres text cannot hold NUL; a receiver's answer may contain it. */
const noNul = (value: string | null) => (value === null ? null : value.replace(/\u0000/g, ""));

/** One attempt as the recording stores it (see `recordStatement`). */
export interface RecordRow {
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
  dns_ms: number | null;
  connect_ms: number | null;
  tls_ms: number | null;
  ttfb_ms: number | null;
  /** What the attempt says comes next: `pending` for a retry (the statement may end it as `cancelled` instead). */
  final_status: DeliveryStatus;
  /** The delivery failed for good (retries spent, or 410): it counts towards the failed deliveries in a row. */
  counts_failure: boolean;
  /** 410 Gone: the endpoint is switched off at once. */
  gone: boolean;
  next_attempt_at: string | null;
  completed_at: string | null;
}

interface Recorded {
  /**
   * The delivery's status after this attempt (undefined: the delivery no longer exists, or this attempt was recorded
   * already, by another run of the same delivery, and this one stored nothing).
   */
  status: DeliveryStatus | undefined;
  /** Set when this statement switched the endpoint off (410, 50 failed deliveries in a row, 3 days failing). */
  disabledReason: string | null;
}

const DISABLE_AFTER_FAILING_SECONDS = Math.round(DISABLE_AFTER_FAILING_MS / 1000);

/**
 * The recording's statement for a batch of attempts (one row per delivery): see `recordAttempts`. Exported for the
 * test of its kept plan (it runs on the delivery path's connections, db/index.ts).
 */
export function recordStatement(rows: RecordRow[]): SQL {
  return sql`
    with x as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
        delivery_id text, organization_id text, endpoint_id text, attempt_number int, started_at timestamptz,
        duration_ms int, request_url text, request_headers jsonb, response_status int, response_headers jsonb,
        response_body text, response_body_truncated boolean, error_class text, error_message text, succeeded boolean,
        dns_ms real, connect_ms real, tls_ms real, ttfb_ms real, final_status text, counts_failure boolean, gone boolean, next_attempt_at timestamptz, completed_at timestamptz)
      limit ${rows.length}
    ),
    -- The deliveries whose attempt is new, locked: an attempt is stored only while its delivery's attempt_count is
    -- below its number, and this statement raises the count (the update at the end), so the same attempt recorded
    -- again (a replayed step, a duplicate run) is refused. Under the lock, a recording of the same attempt that
    -- committed meanwhile is seen (PostgreSQL re-reads a row it waited for), so two can never both store it.
    -- delivery_attempts is partitioned by started_at (migration 0025), so its own unique key cannot say this.
    fresh_deliveries as materialized (
      select d.id from deliveries d join x on x.delivery_id = d.id
      where d.attempt_count < x.attempt_number and d.id = any(array(select delivery_id from x))
      order by d.id
      for no key update of d
    ),
    recorded as (
      insert into delivery_attempts (delivery_id, organization_id, endpoint_id, attempt_number, started_at, duration_ms,
        request_url, request_headers, response_status, response_headers, response_body, response_body_truncated,
        error_class, error_message, succeeded, dns_ms, connect_ms, tls_ms, ttfb_ms)
      select delivery_id, organization_id, endpoint_id, attempt_number, started_at, duration_ms, request_url,
        request_headers, response_status, response_headers, response_body, response_body_truncated, error_class,
        error_message, succeeded, dns_ms, connect_ms, tls_ms, ttfb_ms
      from x join fresh_deliveries f on f.id = x.delivery_id
      returning delivery_id, attempt_number
    ),
    -- Only attempts stored now count: a replay of a recorded attempt counts nothing twice.
    fresh as (
      select x.delivery_id, x.endpoint_id, x.succeeded, x.counts_failure, x.gone, x.response_status, x.error_class,
        x.started_at + x.duration_ms * interval '1 millisecond' as finished_at
      from x join recorded r on r.delivery_id = x.delivery_id and r.attempt_number = x.attempt_number
    ),
    last_ok as (
      select endpoint_id, max(finished_at) as at from fresh where succeeded group by endpoint_id
    ),
    -- Per endpoint: its last success in this batch (if any), the failures that came after it, and the latest one.
    ep as (
      select f.endpoint_id, l.at as last_success,
        (count(*) filter (where not f.succeeded and f.counts_failure and (l.at is null or f.finished_at > l.at)))::int as failed,
        (count(*) filter (where not f.succeeded and (l.at is null or f.finished_at > l.at)))::int as failed_attempts,
        coalesce(bool_or(not f.succeeded and (l.at is null or f.finished_at > l.at)), false) as failing,
        coalesce(bool_or(f.gone), false) as gone,
        (array_agg(jsonb_build_object('at', f.finished_at, 'status', f.response_status, 'errorClass', f.error_class,
          'deliveryId', f.delivery_id) order by f.finished_at desc) filter (where not f.succeeded))[1] as last_failure
      from fresh f left join last_ok l on l.endpoint_id = f.endpoint_id
      group by f.endpoint_id, l.at
    ),
    -- The endpoints this batch may change, locked, so that the values read here are the latest committed ones and
    -- stay so until this statement commits: concurrent attempts of one endpoint, in this process or another, each
    -- build on the other's counters (a stale read once lost 119 of 150). A healthy endpoint's successes lock and
    -- write nothing. FOR NO KEY UPDATE, the lock the update itself takes: it excludes other recordings but not a
    -- publish's foreign-key checks on these endpoints (KEY SHARE), which FOR UPDATE blocked, so that a publish
    -- and a recording that met two endpoints in opposite orders deadlocked and the publish failed.
    cur as materialized (
      select e.id, e.organization_id, e.active, e.health, e.health_changed_at, e.consecutive_failures, e.failing_since,
        e.failed_attempts, e.last_failure, e.failing_alerted_at, e.disable_warned_at, e.disabled_reason,
        e.disabled_cause, e.disabled_at
      from webhook_endpoints e join ep on ep.endpoint_id = e.id
      where e.id = any(array(select endpoint_id from ep)) and (ep.failing or ep.gone or e.consecutive_failures > 0 or e.failing_since is not null or e.health <> 'healthy')
      for no key update of e
    ),
    -- The new counters: failing since the first failure after a success; a failed delivery counts towards 50.
    n1 as (
      select cur.*, ep.last_success, ep.failing, ep.gone, ep.last_failure as batch_last_failure,
        (case when ep.last_success is null then cur.consecutive_failures else 0 end) + ep.failed as new_consecutive,
        (case when ep.last_success is null then cur.failed_attempts else 0 end) + ep.failed_attempts as new_failed_attempts,
        case when not ep.failing then null
          when ep.last_success is null then coalesce(cur.failing_since, now()) else now() end as new_failing_since
      from cur join ep on ep.endpoint_id = cur.id
    ),
    -- Whether this batch disables the endpoint, and why: 410 Gone, 50 failed deliveries in a row, 3 days failing.
    n2 as (
      select n1.*, (case when not n1.active then null
          when n1.gone then 'gone'
          when n1.new_consecutive >= ${DISABLE_AFTER_CONSECUTIVE_FAILURES} then 'consecutive_failures'
          when n1.failing and n1.last_success is null
            and coalesce(n1.failing_since, now()) <= now() - ${DISABLE_AFTER_FAILING_SECONDS} * interval '1 second'
            then 'failing_too_long' end)::endpoint_disabled_cause as disable_now
      from n1
    ),
    n3 as (
      select n2.*, (case when not n2.active or n2.disable_now is not null then 'disabled'
          when n2.new_failing_since is not null then 'failing' else 'healthy' end)::endpoint_health as new_health,
        -- A success in this batch ends the failing spell, and its warning with it.
        case when n2.last_success is null then n2.disable_warned_at end as spell_warned_at
      from n2
    ),
    -- The alerts this batch sends: "failing" when a healthy endpoint starts failing (at most once in 6 hours),
    -- "about to be disabled" once per failing spell (40 failed deliveries in a row, or 12 hours before the 3-day
    -- limit), "recovered" when a failing endpoint whose owners were told it was failing succeeds again.
    n as (
      select n3.*, n3.new_health <> n3.health as changed,
        (n3.new_health = 'failing' and n3.health = 'healthy' and (n3.failing_alerted_at is null
          or n3.failing_alerted_at <= now() - ${FAILING_ALERT_INTERVAL_SECONDS} * interval '1 second')) as failing_alert,
        (n3.new_health = 'failing' and n3.spell_warned_at is null
          and (n3.new_consecutive >= ${WARN_AFTER_CONSECUTIVE_FAILURES}
            or n3.new_failing_since <= now() - ${WARN_AFTER_FAILING_SECONDS} * interval '1 second')) as warn_now,
        (n3.new_health = 'healthy' and n3.health = 'failing'
          and (n3.disable_warned_at is not null or n3.failing_alerted_at >= n3.failing_since)) as recovered_alert,
        case n3.disable_now
          when 'gone' then ${DISABLED_REASONS.gone}
          when 'consecutive_failures' then ${DISABLED_REASONS.consecutive_failures}
          when 'failing_too_long' then ${DISABLED_REASONS.failing_too_long} end as new_reason
      from n3
    ),
    counted as (
      update webhook_endpoints e set
        consecutive_failures = n.new_consecutive,
        failed_attempts = case when n.new_failing_since is null then 0 else n.new_failed_attempts end,
        failing_since = n.new_failing_since,
        last_failure = case when n.new_failing_since is null then null else coalesce(n.batch_last_failure, n.last_failure) end,
        active = n.active and n.disable_now is null,
        health = n.new_health,
        health_changed_at = case when n.changed then now() else n.health_changed_at end,
        disabled_cause = coalesce(n.disable_now, n.disabled_cause),
        disabled_reason = coalesce(n.new_reason, n.disabled_reason),
        disabled_at = case when n.disable_now is not null then now() else n.disabled_at end,
        failing_alerted_at = case when n.failing_alert then now() else n.failing_alerted_at end,
        disable_warned_at = case when n.warn_now then now() when n.new_health = 'failing' then n.spell_warned_at end
      from n
      where e.id = n.id and e.id = any(array(select id from n))
      returning e.id, (n.disable_now is not null) as disabled_now, e.disabled_reason
    ),
    -- Each health change is an audit event (by the system), in this same statement.
    audited as (
      insert into audit_events (id, organization_id, actor_type, action, target_type, target_id, changes)
      select 'aud_' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 20), n.organization_id, 'system'::audit_actor_type,
        case n.new_health when 'disabled' then 'endpoint.disabled' when 'failing' then 'endpoint.failing' else 'endpoint.recovered' end,
        'endpoint', n.id, jsonb_strip_nulls(jsonb_build_object(
          'health', jsonb_build_object('from', n.health, 'to', n.new_health),
          'reason', case when n.new_reason is not null then jsonb_build_object('to', n.new_reason) end,
          'failingSince', jsonb_build_object('to', coalesce(n.new_failing_since, n.failing_since)),
          'failedDeliveries', jsonb_build_object('to', n.new_consecutive),
          'lastFailure', case when n.new_health <> 'healthy' then jsonb_build_object('to', coalesce(n.batch_last_failure, n.last_failure)) end))
      from n join counted c on c.id = n.id
      where n.changed
    ),
    -- What the owners and the platform are told (lib/alerts turns these into emails and operational events).
    noticed as (
      insert into endpoint_notices (organization_id, endpoint_id, alert, event_type, data)
      select n.organization_id, n.id, t.alert, t.event_type, jsonb_build_object(
        'health', n.new_health, 'previousHealth', n.health, 'cause', n.disable_now, 'reason', n.new_reason,
        'failingSince', coalesce(n.new_failing_since, n.failing_since),
        'failedAttempts', case when n.new_health = 'healthy' then n.failed_attempts else n.new_failed_attempts end,
        'failedDeliveries', case when n.new_health = 'healthy' then n.consecutive_failures else n.new_consecutive end,
        'lastFailure', coalesce(n.batch_last_failure, n.last_failure),
        'disablesAt', coalesce(n.new_failing_since, n.failing_since) + ${DISABLE_AFTER_FAILING_SECONDS} * interval '1 second',
        'at', now())
      from n join counted c on c.id = n.id
      cross join lateral (
        select 'disabled' as alert, 'endpoint.disabled' as event_type where n.disable_now is not null
        union all
        select case when n.failing_alert then 'failing' end, 'endpoint.failing' where n.new_health = 'failing' and n.health = 'healthy'
        union all
        select 'disabling_soon', null where n.warn_now
        union all
        select case when n.recovered_alert then 'recovered' end, 'endpoint.recovered' where n.new_health = 'healthy' and n.health = 'failing'
      ) t
      returning id
    ),
    -- A delivery that failed for good (retries spent, or 410) is an operational event, when the platform listens.
    exhausted as (
      insert into endpoint_notices (organization_id, endpoint_id, alert, event_type, data)
      select x.organization_id, x.endpoint_id, null, 'delivery.exhausted', jsonb_build_object(
        'deliveryId', x.delivery_id, 'attempts', x.attempt_number, 'status', x.response_status,
        'errorClass', x.error_class, 'gone', x.gone, 'at', now())
      from x join recorded r on r.delivery_id = x.delivery_id and r.attempt_number = x.attempt_number
      where x.final_status = 'failed' and not x.succeeded
        -- The platform's endpoints only, through its organization's id (one row, a partial unique index): these
        -- plans are kept, and a join from every endpoint to its organization once read all of them at each recording.
        and exists (select 1 from webhook_endpoints oe
          where oe.organization_id = any(array(select po.id from organizations po where po.is_platform))
            and oe.active and oe.deleted_at is null and (oe.event_types is null or 'delivery.exhausted' = any(oe.event_types)))
        and not exists (select 1 from organizations o where o.id = x.organization_id and o.is_platform
          and o.id = any(array(select organization_id from x)))
      returning id
    )
    -- A retry ends as cancelled when the delivery was cancelled meanwhile or its endpoint is off, deleted, or
    -- being switched off by this very statement: nothing would ever continue it. A definite answer (success, or
    -- the last failure) is recorded as it is, also for a delivery cancelled while its attempt was in flight.
    update deliveries d set status = (case
        when x.final_status <> 'pending' then x.final_status
        when d.status = 'cancelled' or not en.active or en.deleted_at is not null or c.disabled_now then 'cancelled'
        else 'pending' end)::delivery_status,
      attempt_count = greatest(d.attempt_count, x.attempt_number), last_status_code = x.response_status,
      last_error_class = x.error_class, last_duration_ms = x.duration_ms,
      next_attempt_at = case when x.final_status = 'pending' and d.status <> 'cancelled' and en.active
        and en.deleted_at is null and not coalesce(c.disabled_now, false) then x.next_attempt_at end,
      completed_at = case when x.final_status = 'pending' and d.status <> 'cancelled' and en.active
        and en.deleted_at is null and not coalesce(c.disabled_now, false) then null else coalesce(x.completed_at, now()) end,
      updated_at = now()
    from x
    join recorded r on r.delivery_id = x.delivery_id and r.attempt_number = x.attempt_number
    join webhook_endpoints en on en.id = x.endpoint_id and en.id = any(array(select endpoint_id from x))
    left join counted c on c.id = x.endpoint_id
    where d.id = x.delivery_id and d.id = any(array(select delivery_id from recorded))
    returning d.id, d.status, case when c.disabled_now then c.disabled_reason end as disabled_reason,
      (select count(*) from noticed)::int + (select count(*) from exhausted)::int as notices
  `;
}

// Attempts that finish together are recorded together, in one statement: each attempt row, its delivery's new state,
// its endpoint's failure counters and health state, the audit event of a health change and the notices that alert the
// owners and the platform, so all are stored or none. Within one statement, an endpoint's attempts are taken in the
// order they finished.
const recordAttempts = createBatcher(
  async (batch: RecordRow[]): Promise<Recorded[]> => {
    const db = await getDeliveryDb();
    // One row per delivery: the same attempt twice in one batch (two runs of one delivery) is stored once.
    const seen = new Set<string>();
    const rows = batch.filter((row) => !seen.has(row.delivery_id) && seen.add(row.delivery_id));
    // Two statements touching the same endpoints or deliveries in another order can deadlock; PostgreSQL aborts one,
    // which stored nothing, so it is simply run again.
    const result = await retryOnDeadlock(() => db.execute(recordStatement(rows)));
    const returned = rowsOf<{ id: string; status: DeliveryStatus; disabled_reason: string | null; notices: number }>(result);
    const byId = new Map(returned.map((r) => [r.id, r]));
    if (returned.some((r) => Number(r.notices) > 0)) noticesWritten();
    const disabled = new Map<string, string>();
    for (const [id, r] of byId) if (r.disabled_reason) disabled.set(rows.find((row) => row.delivery_id === id)!.endpoint_id, r.disabled_reason);
    for (const [endpointId, reason] of disabled) {
      logger.warn("endpoint disabled", { endpointId, reason });
      // Its other deliveries end now too (waiting ones, and those mid-attempt when their attempt returns).
      await cancelEndpointDeliveries(endpointId);
    }
    const kept = new Set(rows);
    return batch.map((row) => {
      const r = kept.has(row) ? byId.get(row.delivery_id) : undefined;
      return { status: r?.status, disabledReason: r?.disabled_reason ?? null };
    });
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
  throttleWaits = 0,
  reserveFar = false,
  slotReserved = false,
}: {
  deliveryId: string;
  attemptNumber: number;
  /** 1 for the first attempt of this chain (a redelivery starts a new chain). */
  chainIndex: number;
  /** How many times this attempt already waited for a send slot (its next wait grows with it). */
  throttleWaits?: number;
  /** Reserve the next send slot however far away it is (the last of the throttle waits). */
  reserveFar?: boolean;
  /** A slot was reserved for this attempt by its previous step: send without taking another. */
  slotReserved?: boolean;
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

  // A rate limit, or a receiver that pushed back, paces every process's sends through one shared schedule. A slot
  // close by is waited for here; a later one suspends the run (its engine slot freed) and it asks again.
  // After many waits a run reserves its slot however far it is, sleeps until it and sends then (slotReserved).
  if ((row.rate_limit_per_second !== null || row.throttled) && !slotReserved) {
    const slot = await takeSendSlot(endpoint.id, row.rate_limit_per_second, reserveFar ? Number.MAX_SAFE_INTEGER : undefined);
    if (!slot.reserved || (reserveFar && slot.waitMs > RESERVE_HORIZON_MS)) {
      await db.update(deliveries).set({ status: "pending" }).where(and(eq(deliveries.id, deliveryId), eq(deliveries.status, "delivering")));
      return slot.reserved
        ? { outcome: "throttled", delayMs: Math.ceil(slot.waitMs), slotReserved: true }
        : { outcome: "throttled", delayMs: throttleBackoffMs(slot.waitMs, throttleWaits) };
    }
    if (slot.waitMs >= 1) await new Promise((resolve) => setTimeout(resolve, slot.waitMs));
  }

  const now = new Date();
  const timestamp = Math.floor(now.getTime() / 1000);
  const body = eventEnvelope(event);
  const secrets = signingSecrets(endpoint, now);
  const brand = env.webhookBrand;
  // Empty for an endpoint that signs with ed25519 only: the header is then left out (lib/delivery/sign.ts says why).
  const brandSignature = bodySignaturesHex(secrets, body);
  const custom = endpoint.headers.map((h) => ({ name: h.name, value: decryptSecretCached(h.valueEncrypted) }));
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

  const marking = markDeliveringAfter(deliveryId);
  const result = await sendAttempt({
    url: endpoint.url,
    headers,
    body,
    timeoutMs: endpoint.timeoutSeconds * 1000,
    allowPrivateTargets: env.delivery.allowPrivateTargets,
  }).finally(() => marking.settled());

  const masked = { ...headers };
  for (const h of custom) masked[h.name] = maskSecret(h.value);
  const outcome = await recordAttempt({ delivery, endpoint, attemptNumber, chainIndex, result, requestHeaders: masked });
  // The receiver asks for less: the whole endpoint slows down, in every process (after the attempt is recorded, so
  // the rate it saw counts this one).
  // Best effort: the attempt is recorded already, and replaying the step would not send it again.
  if (result.statusCode !== null && THROTTLE_STATUSES.has(result.statusCode)) {
    await slowDownEndpoint({
      endpointId: endpoint.id,
      organizationId: delivery.organizationId,
      limit: row.rate_limit_per_second,
      retryAfterMs: parseRetryAfter(result.responseHeaders?.["retry-after"]),
    }).catch((error: unknown) => logger.error("could not slow the endpoint down", { endpointId: endpoint.id, error }));
  }
  return outcome;
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
  const recorded = await recordAttempts({
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
    dns_ms: result.phases.dnsMs,
    connect_ms: result.phases.connectMs,
    tls_ms: result.phases.tlsMs,
    ttfb_ms: result.phases.ttfbMs,
    final_status: finalStatus,
    // Failing since the first failure after a success; a failed delivery (retries spent) counts towards 50.
    counts_failure: outcome.outcome === "failed",
    gone: gone && !result.ok,
    next_attempt_at: nextAttemptAt ? nextAttemptAt.toISOString() : null,
    completed_at: outcome.outcome === "retry" ? null : now.toISOString(),
  });
  // A retry the statement ended (the delivery or its endpoint was switched off meanwhile) stops the run here.
  if (outcome.outcome === "retry" && recorded.status !== "pending") return toOutcome("cancelled");
  return outcome;
}
