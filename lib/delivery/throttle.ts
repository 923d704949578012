import { sql } from "drizzle-orm";
import { getDb, rowsOf } from "@/db";

/**
 * Throttling across processes. An endpoint with a rate limit, or one its receiver pushed back on (429, 502, 503,
 * 504), has one `endpoint_throttles` row: a shared send schedule (virtual-time token bucket: `next_send_at` is when
 * the next request may start, and every send moves it on by 1/rate), updated atomically by whichever process sends.
 * The allowed rate is the endpoint's own limit, lowered by the receiver: each push-back multiplies the rate in force
 * by {@link DECREASE} (at most once per {@link DECREASE_INTERVAL_MS}: the answers that follow were sent before it), and
 * it grows back linearly (additive increase, {@link INCREASE_SHARE} of the lowered rate per second, at least 2/s). A Retry-After
 * holds the whole endpoint until then. Endpoints with neither never read or write this table on their hot path.
 */

/** A slot within this horizon is reserved and waited for inside the attempt; a later one suspends the run instead. */
export const RESERVE_HORIZON_MS = 250;
/** Multiplicative decrease on each push-back from the receiver. */
export const DECREASE = 0.7;
/** The first push-back of a spell starts from this share of the rate the receiver was just seeing. */
export const FIRST_DECREASE = 0.7;
/** Additive increase: per second since the last decrease, this share of the lowered rate comes back (at least 2/s). */
export const INCREASE_SHARE = 0.15;
/** Push-backs closer together than this count once: requests already in flight answer the same. */
export const DECREASE_INTERVAL_MS = 1000;
/** The lowest rate the adaptive rule goes to (requests per second). */
export const MIN_RATE = 0.5;
/** Without a new push-back for this long the adaptive rate ends (the endpoint is back to its own limit, if any). */
export const ADAPTIVE_TTL_SECONDS = 300;
/** Statuses that mean "slow down" for the endpoint as a whole (Standard Webhooks' advice). */
export const THROTTLE_STATUSES = new Set([429, 502, 503, 504]);

/** SQL for the rate in force now (requests per second), or null when nothing limits it. */
const rateInForce = (limit: number | null) => sql`least(${limit}::real, case when t.adaptive_rate is not null
  and t.adaptive_since > now() - ${ADAPTIVE_TTL_SECONDS}::float8 * interval '1 second'
  then t.adaptive_rate + greatest(2, t.adaptive_rate * ${INCREASE_SHARE}::float8) * extract(epoch from now() - t.adaptive_since) end)`;

export interface SendSlot {
  /** A slot was reserved for this request: send after `waitMs`. Otherwise try again later. */
  reserved: boolean;
  /** Milliseconds until the slot (or, unreserved, until the schedule's tail). */
  waitMs: number;
  /** The rate in force (requests per second), null: none (only a Retry-After held the endpoint). */
  rate: number | null;
}

/**
 * Takes the next send slot of an endpoint from the shared schedule, in one statement (the row is locked for it, so
 * two processes never get the same slot). A slot further away than {@link RESERVE_HORIZON_MS} is not reserved:
 * the run sleeps and asks again, so a backlog does not lock in today's rate for the minutes ahead.
 */
export async function takeSendSlot(endpointId: string, limit: number | null, horizonMs = RESERVE_HORIZON_MS): Promise<SendSlot> {
  const db = await getDb();
  for (let tries = 0; tries < 2; tries += 1) {
    const result = await db.execute(sql`
      with cur as (
        select t.endpoint_id, greatest(t.next_send_at, now(), coalesce(t.throttled_until, now())) as start, ${rateInForce(limit)} as rate
        from endpoint_throttles t where t.endpoint_id = ${endpointId}
        for update
      )
      update endpoint_throttles t set
        next_send_at = case when cur.start <= now() + ${horizonMs}::float8 * interval '1 millisecond'
          then cur.start + coalesce(1.0 / cur.rate, 0) * interval '1 second' else t.next_send_at end,
        updated_at = now()
      from cur where t.endpoint_id = cur.endpoint_id
      returning cur.start <= now() + ${horizonMs}::float8 * interval '1 millisecond' as reserved,
        greatest(0, extract(epoch from cur.start - now()) * 1000)::float8 as wait_ms, cur.rate::float8 as rate
    `);
    const [row] = rowsOf<{ reserved: boolean; wait_ms: number | string; rate: number | string | null }>(result);
    if (row) return { reserved: row.reserved, waitMs: Number(row.wait_ms), rate: row.rate === null ? null : Number(row.rate) };
    // A rate limit set before anything was sent: the schedule starts now.
    await db.execute(sql`insert into endpoint_throttles (endpoint_id) values (${endpointId}) on conflict do nothing`);
  }
  return { reserved: true, waitMs: 0, rate: null };
}

/**
 * The receiver pushed back (429, 502, 503 or 504): lowers the endpoint's allowed rate (multiplicative decrease, once
 * per {@link DECREASE_INTERVAL_MS}) and holds it as a whole until `retryAfterMs` when the answer said so. The first
 * push-back of a spell starts from the rate the receiver saw in the last second (its attempts recorded then).
 */
export async function slowDownEndpoint({
  endpointId,
  organizationId,
  limit,
  retryAfterMs,
}: {
  endpointId: string;
  organizationId: string;
  limit: number | null;
  retryAfterMs: number | undefined;
}): Promise<void> {
  const db = await getDb();
  const until = retryAfterMs && retryAfterMs > 0 ? sql`now() + ${retryAfterMs}::float8 * interval '1 millisecond'` : sql`null::timestamptz`;
  // The rate the receiver saw: attempts started in the last second (the organization's index narrows the scan).
  const seen = sql`(select count(*) from delivery_attempts a where a.organization_id = ${organizationId}
    and a.endpoint_id = ${endpointId} and a.started_at > now() - interval '1 second')`;
  await db.execute(sql`
    insert into endpoint_throttles as t (endpoint_id, adaptive_rate, adaptive_since, throttled_until)
    values (${endpointId}, greatest(${MIN_RATE}::float8, least(${limit}::real, greatest(1, ${seen}) * ${FIRST_DECREASE}::float8)), now(), ${until})
    on conflict (endpoint_id) do update set
      adaptive_rate = case
        when t.adaptive_since > now() - ${DECREASE_INTERVAL_MS}::float8 * interval '1 millisecond' then t.adaptive_rate
        when ${rateInForce(limit)} is null then excluded.adaptive_rate
        else greatest(${MIN_RATE}::float8, ${rateInForce(limit)} * ${DECREASE}::float8) end,
      adaptive_since = case when t.adaptive_since > now() - ${DECREASE_INTERVAL_MS}::float8 * interval '1 millisecond' then t.adaptive_since
        else now() end,
      throttled_until = case when excluded.throttled_until is null then t.throttled_until
        else greatest(t.throttled_until, excluded.throttled_until) end,
      updated_at = now()
  `);
}

/**
 * What the endpoint page shows: a Retry-After in force ("Throttled by the receiver until ..."), and the rate in force
 * while the receiver's push-back lasts (null: not adapting). Scoped by organization: another's endpoint reads nothing.
 */
export async function endpointThrottleState({ orgId, endpointId }: { orgId: string; endpointId: string }): Promise<{
  throttledUntil: Date | null;
  rate: number | null;
}> {
  const db = await getDb();
  const result = await db.execute(sql`
    select case when t.throttled_until > now() then t.throttled_until end as throttled_until,
      (case when t.adaptive_rate is not null and t.adaptive_since > now() - ${ADAPTIVE_TTL_SECONDS}::float8 * interval '1 second'
        then least(e.rate_limit_per_second::real, t.adaptive_rate
          + greatest(2, t.adaptive_rate * ${INCREASE_SHARE}::float8) * extract(epoch from now() - t.adaptive_since)) end)::float8 as rate
    from endpoint_throttles t join webhook_endpoints e on e.id = t.endpoint_id
    where t.endpoint_id = ${endpointId} and e.organization_id = ${orgId}
  `);
  const [row] = rowsOf<{ throttled_until: Date | string | null; rate: number | string | null }>(result);
  if (!row) return { throttledUntil: null, rate: null };
  return {
    throttledUntil: row.throttled_until ? new Date(row.throttled_until) : null,
    rate: row.rate === null ? null : Number(row.rate),
  };
}

/** How long an unreserved run sleeps before asking again: longer each time (a backlog), jittered so runs spread out. */
export function throttleBackoffMs(waitMs: number, waits: number): number {
  const base = Math.max(waitMs - RESERVE_HORIZON_MS, 0) + RESERVE_HORIZON_MS * 2 ** Math.min(waits, 8);
  return Math.round(Math.min(base, 60_000) * (0.5 + Math.random()));
}
