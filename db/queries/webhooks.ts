import { and, desc, eq, isNull, or, sql } from "drizzle-orm";
import { getDb, rowsOf, type Db } from "@/db";
import { webhookEndpoints, type WebhookEndpointRow } from "@/db/schema";

type Scope = { orgId: string };
type EndpointScope = Scope & { id: string };

const live = ({ orgId, id }: EndpointScope) =>
  and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.organizationId, orgId), isNull(webhookEndpoints.deletedAt));

/** The organization's endpoints (not deleted), newest first. */
export async function listEndpointRows({ orgId }: Scope): Promise<WebhookEndpointRow[]> {
  const db = await getDb();
  return db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.organizationId, orgId), isNull(webhookEndpoints.deletedAt)))
    .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id));
}

export interface EndpointChoice {
  id: string;
  url: string;
  description: string;
  deletedAt: Date | null;
}

/**
 * The endpoints a Logs filter offers: every live one, and every deleted one that still has deliveries to look at
 * (newest first, deleted last).
 */
export async function listEndpointChoices({ orgId }: Scope): Promise<EndpointChoice[]> {
  const db = await getDb();
  return db
    .select({ id: webhookEndpoints.id, url: webhookEndpoints.url, description: webhookEndpoints.description, deletedAt: webhookEndpoints.deletedAt })
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.organizationId, orgId),
        or(isNull(webhookEndpoints.deletedAt), sql`exists (select 1 from deliveries d where d.endpoint_id = ${webhookEndpoints.id})`),
      ),
    )
    .orderBy(sql`${webhookEndpoints.deletedAt} is not null`, desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id));
}

/** One endpoint of the organization; undefined for another organization's id exactly as for an unknown one. */
export async function findEndpointRow(scope: EndpointScope): Promise<WebhookEndpointRow | undefined> {
  const db = await getDb();
  const [row] = await db.select().from(webhookEndpoints).where(live(scope)).limit(1);
  return row;
}

/** A handle or a transaction, so that a change and the notice it writes commit together. */
type Writer = Pick<Db, "insert" | "update">;

export async function insertEndpointRow(row: typeof webhookEndpoints.$inferInsert, options: { tx?: Writer } = {}): Promise<void> {
  const db = options.tx ?? (await getDb());
  await db.insert(webhookEndpoints).values(row);
}

/** Updates one live endpoint of the organization; false when there is none (unknown, deleted or another tenant's). */
export async function updateEndpointRow(
  scope: EndpointScope,
  patch: Partial<Omit<typeof webhookEndpoints.$inferInsert, "id" | "organizationId" | "createdAt">>,
  options: { tx?: Writer; onlyIfActive?: boolean } = {},
): Promise<boolean> {
  const db = options.tx ?? (await getDb());
  const rows = await db
    .update(webhookEndpoints)
    .set({ ...patch, updatedAt: new Date() })
    .where(options.onlyIfActive === undefined ? live(scope) : and(live(scope), eq(webhookEndpoints.active, options.onlyIfActive)))
    .returning({ id: webhookEndpoints.id });
  return rows.length === 1;
}

/** Deletes an endpoint for the partner while keeping the row, so its delivery history stays readable. */
export async function softDeleteEndpointRow(scope: EndpointScope, options: { tx?: Writer } = {}): Promise<boolean> {
  return updateEndpointRow(scope, { deletedAt: new Date(), active: false }, options);
}

export interface EndpointStats {
  endpointId: string;
  lastDeliveryAt: Date | null;
  lastStatus: string | null;
  lastStatusCode: number | null;
  /** Finished deliveries of the last 24 hours, and how many of them succeeded. */
  finished24h: number;
  succeeded24h: number;
  /** The same per hour, oldest first: 24 entries, the last one the current hour. */
  hourly24h: { finished: number; succeeded: number }[];
}

/** Per endpoint of the organization: its latest delivery and its 24-hour success counts, in one query. */
export async function endpointStats({ orgId }: Scope): Promise<Map<string, EndpointStats>> {
  const db = await getDb();
  const result = await db.execute(sql`
    with latest as (
      select distinct on (d.endpoint_id) d.endpoint_id, d.updated_at, d.status, d.last_status_code
      from deliveries d
      where d.organization_id = ${orgId}
      order by d.endpoint_id, d.created_at desc
    ),
    hours as (
      select endpoint_id, least(23, floor(extract(epoch from (now() - created_at)) / 3600))::int as ago,
        count(*) filter (where status in ('succeeded', 'failed'))::int as finished,
        count(*) filter (where status = 'succeeded')::int as succeeded
      from deliveries
      where organization_id = ${orgId} and created_at > now() - interval '24 hours'
      group by 1, 2
    ),
    day as (
      select endpoint_id, sum(finished)::int as finished, sum(succeeded)::int as succeeded,
        json_agg(json_build_array(ago, finished, succeeded)) as hourly
      from hours
      group by endpoint_id
    )
    select latest.endpoint_id, latest.updated_at, latest.status, latest.last_status_code,
      coalesce(day.finished, 0) as finished, coalesce(day.succeeded, 0) as succeeded, day.hourly
    from latest left join day on day.endpoint_id = latest.endpoint_id
  `);
  const rows = rowsOf<{
    endpoint_id: string;
    updated_at: Date | string | null;
    status: string | null;
    last_status_code: number | null;
    finished: number;
    succeeded: number;
    hourly: [number, number, number][] | string | null;
  }>(result);
  const hourly = (value: [number, number, number][] | string | null) => {
    const hours = Array.from({ length: 24 }, () => ({ finished: 0, succeeded: 0 }));
    const parsed = typeof value === "string" ? (JSON.parse(value) as [number, number, number][]) : (value ?? []);
    for (const [ago, finished, succeeded] of parsed) {
      const hour = hours[23 - ago];
      if (hour) Object.assign(hour, { finished: Number(finished), succeeded: Number(succeeded) });
    }
    return hours;
  };
  return new Map(
    rows.map((r) => [
      r.endpoint_id,
      {
        endpointId: r.endpoint_id,
        lastDeliveryAt: r.updated_at ? new Date(r.updated_at) : null,
        lastStatus: r.status,
        lastStatusCode: r.last_status_code,
        finished24h: Number(r.finished),
        succeeded24h: Number(r.succeeded),
        hourly24h: hourly(r.hourly),
      },
    ]),
  );
}

export interface EndpointHealth {
  buckets: { hour: string; succeeded: number; failed: number }[];
  succeeded: number;
  failed: number;
  p50Ms: number | null;
  p95Ms: number | null;
  /** p50/p95 of each phase over the attempts that measured it (null: none did). */
  phases: Record<EndpointPhase, { p50: number | null; p95: number | null }>;
}

export const ENDPOINT_PHASES = ["dns", "connect", "tls", "ttfb"] as const;
export type EndpointPhase = (typeof ENDPOINT_PHASES)[number];

/**
 * An endpoint's deliveries per hour (succeeded vs failed) over the last `hours`, and its response times (p50/p95 of
 * attempts that got an answer). Scoped by organization like every query.
 */
export async function endpointHealth({ orgId, id, hours }: EndpointScope & { hours: number }): Promise<EndpointHealth> {
  const db = await getDb();
  const since = new Date(Date.now() - hours * 3_600_000);
  const [perHour, timing] = await Promise.all([
    db.execute(sql`
      select date_trunc('hour', created_at) as hour,
        count(*) filter (where status = 'succeeded')::int as succeeded,
        count(*) filter (where status = 'failed')::int as failed
      from deliveries
      where organization_id = ${orgId} and endpoint_id = ${id} and created_at >= ${since.toISOString()}::timestamptz
      group by 1 order by 1
    `),
    db.execute(sql`
      select percentile_cont(0.5) within group (order by duration_ms) as p50,
        percentile_cont(0.95) within group (order by duration_ms) as p95,
        -- Nulls are left out of each ordered set: a reused connection has no DNS, connect or TLS to count.
        percentile_cont(0.5) within group (order by dns_ms) as dns_p50, percentile_cont(0.95) within group (order by dns_ms) as dns_p95,
        percentile_cont(0.5) within group (order by connect_ms) as connect_p50,
        percentile_cont(0.95) within group (order by connect_ms) as connect_p95,
        percentile_cont(0.5) within group (order by tls_ms) as tls_p50, percentile_cont(0.95) within group (order by tls_ms) as tls_p95,
        percentile_cont(0.5) within group (order by ttfb_ms) as ttfb_p50, percentile_cont(0.95) within group (order by ttfb_ms) as ttfb_p95
      from delivery_attempts
      where organization_id = ${orgId} and endpoint_id = ${id} and started_at >= ${since.toISOString()}::timestamptz
        and response_status is not null
    `),
  ]);
  const counted = new Map(
    rowsOf<{ hour: Date | string; succeeded: number; failed: number }>(perHour).map((r) => [
      new Date(r.hour).toISOString(),
      { succeeded: Number(r.succeeded), failed: Number(r.failed) },
    ]),
  );
  const buckets: EndpointHealth["buckets"] = [];
  const first = new Date(since);
  first.setUTCMinutes(0, 0, 0);
  for (let t = first.getTime(); t <= Date.now(); t += 3_600_000) {
    const hour = new Date(t).toISOString();
    buckets.push({ hour, ...(counted.get(hour) ?? { succeeded: 0, failed: 0 }) });
  }
  const [times] = rowsOf<Record<string, number | string | null>>(timing);
  const tenth = (v: number | string | null | undefined) => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);
  return {
    buckets,
    succeeded: buckets.reduce((n, b) => n + b.succeeded, 0),
    failed: buckets.reduce((n, b) => n + b.failed, 0),
    p50Ms: times?.p50 === null || times?.p50 === undefined ? null : Math.round(Number(times.p50)),
    p95Ms: times?.p95 === null || times?.p95 === undefined ? null : Math.round(Number(times.p95)),
    phases: Object.fromEntries(
      ENDPOINT_PHASES.map((p) => [p, { p50: tenth(times?.[`${p}_p50`]), p95: tenth(times?.[`${p}_p95`]) }]),
    ) as EndpointHealth["phases"],
  };
}
