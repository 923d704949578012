import { and, asc, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import { getDb, rowsOf, type Db } from "@/db";
import { countCapped, EXACT_COUNT_CAP, keysetCondition, keysetOrder, micros, newestFirst, planRows, type KeysetCursor, type ListCount } from "./keyset";
import { deliveries, deliveryAttempts, events, organizations, webhookEndpoints, type DeliveryStatus } from "@/db/schema";

export const LOGS_PAGE_SIZE = 50;

export interface DeliveryFilters {
  endpointId?: string;
  status?: DeliveryStatus;
  eventType?: string;
  /** An event or delivery id or its beginning, or an identifying field of the payload (SEARCHED_FIELDS). */
  search?: string;
  /** Created at or after / before these times. */
  from?: Date;
  to?: Date;
  /** Keyset cursor: the (createdAt, id) of the last row of the previous page (Older). */
  before?: DeliveryCursor;
  /** Keyset cursor the other way: the (createdAt, id) of the first row of the next page up (Newer). */
  after?: DeliveryCursor;
}

/** A row's place in the newest-first order (see KeysetCursor). */
export type DeliveryCursor = KeysetCursor;

/** What the Logs search box looks in, as the page tells people. */
export const SEARCHED_FIELDS = [
  "event id (evt_…) or its beginning",
  "delivery id (dlv_…) or its beginning",
  "sessionId",
  "referenceId",
  "credentialId",
  "credentialUuid",
  "badgeId",
  "bulkIssuanceId",
  "recipient email",
] as const;

/**
 * A search term as the query runs it: an id prefix (events or deliveries, `like` as a range of the primary key: ids are COLLATE "C"), or an
 * exact identifying field of the payload through the GIN index (emails compared lowercased).
 */
export type DeliverySearch =
  | { kind: "event-prefix"; pattern: string }
  | { kind: "delivery-prefix"; pattern: string }
  | { kind: "keys"; terms: string[] };

/** `like` pattern for "starts with": `_`, `%` and `\` are taken literally (ids hold underscores). */
export function prefixPattern(text: string): string {
  return `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function parseDeliverySearch(term: string): DeliverySearch {
  const text = term.trim();
  if (/^evt_[0-9a-z]+$/i.test(text)) return { kind: "event-prefix", pattern: prefixPattern(text.toLowerCase()) };
  if (/^dlv_[0-9a-z]+$/i.test(text)) return { kind: "delivery-prefix", pattern: prefixPattern(text.toLowerCase()) };
  return { kind: "keys", terms: [...new Set([text, text.toLowerCase()])] };
}

/**
 * Above this many matching events (or deliveries, for a delivery id prefix), the search walks the history newest
 * first instead of looking the matches up one by one: with that many, a page fills quickly.
 */
export const SEARCH_LOOKUP_CAP = 500;
/** Above this many events in the planner's estimate for a payload value, the search walks without looking them up. */
const SEARCH_WALK_ESTIMATE = 10 * SEARCH_LOOKUP_CAP;

/** The GIN-indexed expression of db/schema/deliveries.ts (events_search_keys_v2_gin), for events aliased `alias`. */
function searchKeys(alias: string) {
  const e = sql.raw(alias);
  return sql`(array[${e}.id, ${e}.data ->> 'sessionId', ${e}.data ->> 'referenceId', ${e}.data ->> 'credentialId', ${e}.data ->> 'credentialUuid', ${e}.data ->> 'previousCredentialId', ${e}.data ->> 'badgeId', ${e}.data ->> 'bulkIssuanceId', lower(${e}.data ->> 'recipientEmail')])`;
}

export interface DeliveryListRow {
  id: string;
  createdAt: Date;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastErrorClass: string | null;
  lastDurationMs: number | null;
  eventId: string;
  eventType: string;
  test: boolean;
  endpointId: string;
  endpointUrl: string;
  endpointDescription: string;
  /** Set when the endpoint was deleted: its deliveries stay listed, marked "(deleted)". */
  endpointDeletedAt: Date | null;
  organizationName: string;
  /** createdAt in microseconds since the epoch (text), for exact paging cursors. */
  createdAtMicros: string;
}

/**
 * The organization's deliveries, newest first, filtered, one page at a time with a keyset cursor (never OFFSET:
 * page 1,000 costs what page 1 does). Returns one row more than the page size so the caller knows a further page
 * exists (older ones, or newer ones with `after`); rows are newest first either way.
 */
export async function listDeliveries({ orgId }: { orgId: string }, filters: DeliveryFilters): Promise<DeliveryListRow[]> {
  return queryDeliveries(orgId, filters);
}

/**
 * Every organization's deliveries for the Admin section (optionally one organization's). Takes the caller's admin
 * flag and fails closed: a page that forgot its own check still lists nothing.
 */
export async function listDeliveriesForAdmin(
  { isPlatformAdmin }: { isPlatformAdmin: boolean },
  filters: DeliveryFilters & { orgId?: string },
): Promise<DeliveryListRow[]> {
  if (!isPlatformAdmin) return [];
  return queryDeliveries(filters.orgId, filters);
}

/** An endpoint's latest deliveries, for its page (the same rows as Logs, fewer of them). */
export async function listRecentDeliveries({ orgId, endpointId, limit }: { orgId: string; endpointId: string; limit: number }): Promise<DeliveryListRow[]> {
  const db = await getDb();
  return buildDeliveriesQuery(db, await whereFor(db, orgId, { endpointId }), {}, limit);
}

async function queryDeliveries(orgId: string | undefined, filters: DeliveryFilters): Promise<DeliveryListRow[]> {
  const db = await getDb();
  const rows = await buildDeliveriesQuery(db, await whereFor(db, orgId, filters), filters);
  // Newer pages are read oldest first from their cursor (the rows nearest it), and shown newest first like any page.
  return newestFirst(rows, filters);
}

/** The Logs query's SQL for one organization, unexecuted: the benchmark prints its EXPLAIN. */
export async function deliveriesSqlFor({ orgId }: { orgId: string }, filters: DeliveryFilters): Promise<{ sql: string; params: unknown[] }> {
  const db = await getDb();
  return buildDeliveriesQuery(db, await whereFor(db, orgId, filters), filters).toSQL();
}

/** The total that Logs shows: exact up to `cap`, the planner's estimate above it. */
export type DeliveryCount = ListCount;
export { EXACT_COUNT_CAP };

/**
 * How many deliveries match the filters (cursors aside): PostgreSQL's own row estimate for the query when it is over
 * `cap` (shown as "about"), else counted exactly, stopping at `cap` + 1 rows.
 */
export async function countDeliveries({ orgId }: { orgId: string }, filters: DeliveryFilters, cap = EXACT_COUNT_CAP): Promise<DeliveryCount> {
  return countMatching(orgId, filters, cap);
}

/** The same total over every organization (or `orgId`'s), for platform admins only: fails closed like the list. */
export async function countDeliveriesForAdmin(
  { isPlatformAdmin }: { isPlatformAdmin: boolean },
  filters: DeliveryFilters & { orgId?: string },
): Promise<DeliveryCount> {
  if (!isPlatformAdmin) return { count: 0, exact: true };
  return countMatching(filters.orgId, filters, EXACT_COUNT_CAP);
}

async function countMatching(orgId: string | undefined, filters: DeliveryFilters, cap: number): Promise<DeliveryCount> {
  const db = await getDb();
  const where = await whereFor(db, orgId, { ...filters, before: undefined, after: undefined });
  const needsEvents = Boolean(filters.eventType || filters.search);
  return countCapped(
    db,
    (limit) => {
      const base = db.select({ one: sql`1` }).from(deliveries);
      const joined = needsEvents ? base.innerJoin(events, eq(events.id, deliveries.eventId)) : base;
      const query = joined.where(where);
      return limit === undefined ? query : query.limit(limit);
    },
    cap,
  );
}

/** The filters as one WHERE condition; a search is resolved first (see searchCondition). */
async function whereFor(db: Db, orgId: string | undefined, filters: DeliveryFilters): Promise<SQL | undefined> {
  const conditions: (SQL | undefined)[] = [orgId ? eq(deliveries.organizationId, orgId) : undefined];
  if (filters.endpointId) conditions.push(eq(deliveries.endpointId, filters.endpointId));
  if (filters.status) conditions.push(eq(deliveries.status, filters.status));
  if (filters.eventType) conditions.push(eq(events.type, filters.eventType));
  if (filters.search) conditions.push(await searchCondition(db, orgId, parseDeliverySearch(filters.search)));
  if (filters.from) conditions.push(gte(deliveries.createdAt, filters.from));
  if (filters.to) conditions.push(lt(deliveries.createdAt, filters.to));
  // A row comparison, which the (organization, created_at, id) index serves as one range scan.
  conditions.push(keysetCondition(deliveries.createdAt, deliveries.id, filters));
  return and(...conditions);
}

/**
 * A search as a condition on deliveries. PostgreSQL cannot tell how many events hold a given value, so it may walk
 * the whole history newest first hoping to meet a rare match early (seconds on a large table), or look up every
 * match of a common one (a badge id on every credential). So: when few events match (up to SEARCH_LOOKUP_CAP, read
 * through the index), their deliveries are fetched by id; when many do, the history is walked newest first, which
 * then fills a page quickly. The payload keys are always read through their GIN index (see below).
 */
async function searchCondition(db: Db, orgId: string | undefined, search: DeliverySearch): Promise<SQL> {
  const scope = (alias: string) => (orgId ? sql` and ${sql.raw(alias)}.organization_id = ${orgId}` : sql``);
  if (search.kind === "delivery-prefix") {
    const found = rowsOf<{ id: string }>(
      await db.execute(sql`select d.id from deliveries d where d.id like ${search.pattern}${scope("d")} limit ${SEARCH_LOOKUP_CAP + 1}`),
    );
    if (found.length <= SEARCH_LOOKUP_CAP) return found.length ? inArray(deliveries.id, found.map((r) => r.id)) : sql`false`;
    return sql`${deliveries.id} like ${search.pattern}`;
  }
  if (search.kind === "event-prefix") {
    const found = rowsOf<{ id: string }>(
      await db.execute(sql`select e.id from events e where e.id like ${search.pattern}${scope("e")} limit ${SEARCH_LOOKUP_CAP + 1}`),
    );
    if (found.length <= SEARCH_LOOKUP_CAP) return found.length ? inArray(deliveries.eventId, found.map((r) => r.id)) : sql`false`;
    return sql`${events.id} like ${search.pattern}`;
  }
  const terms = sql`array[${sql.join(
    search.terms.map((t) => sql`${t}`),
    sql`, `,
  )}]::text[]`;
  const walk = sql`${searchKeys("events")} && ${terms}`;
  const matches = sql`select e.id from events e where ${searchKeys("e")} && ${terms}${scope("e")}`;
  const lookup = sql`${matches} limit ${SEARCH_LOOKUP_CAP + 1}`;
  // A value the planner expects on many events (a badge on every credential: its estimate follows the index's
  // statistics) is walked at once. Below that, its estimate means little: at a million attempts it guessed about a
  // thousand for a session id held by one event, then walked 250,000 events (1.3 s). So the matches are read through
  // the GIN index, whatever the plan would be, and the limit stops the heap reads.
  const planned = await db.execute(sql`explain (format json) ${matches}`);
  const estimate = planRows(rowsOf<{ "QUERY PLAN": unknown }>(planned)[0]?.["QUERY PLAN"]) ?? 0;
  if (estimate > SEARCH_WALK_ESTIMATE) return walk;
  const found = await db.transaction(async (tx) => {
    await tx.execute(sql`set local enable_seqscan = off`);
    await tx.execute(sql`set local enable_indexscan = off`);
    return rowsOf<{ id: string }>(await tx.execute(lookup));
  });
  if (found.length <= SEARCH_LOOKUP_CAP) return found.length ? inArray(deliveries.eventId, found.map((r) => r.id)) : sql`false`;
  return walk;
}

function buildDeliveriesQuery(db: Db, where: SQL | undefined, filters: Pick<DeliveryFilters, "before" | "after">, limit = LOGS_PAGE_SIZE + 1) {
  return db
    .select({
      id: deliveries.id,
      createdAt: deliveries.createdAt,
      status: deliveries.status,
      attemptCount: deliveries.attemptCount,
      nextAttemptAt: deliveries.nextAttemptAt,
      lastStatusCode: deliveries.lastStatusCode,
      lastErrorClass: deliveries.lastErrorClass,
      lastDurationMs: deliveries.lastDurationMs,
      eventId: events.id,
      eventType: events.type,
      test: events.test,
      endpointId: webhookEndpoints.id,
      endpointUrl: webhookEndpoints.url,
      endpointDescription: webhookEndpoints.description,
      endpointDeletedAt: webhookEndpoints.deletedAt,
      organizationName: organizations.name,
      createdAtMicros: micros(deliveries.createdAt),
    })
    .from(deliveries)
    .innerJoin(events, eq(events.id, deliveries.eventId))
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, deliveries.endpointId))
    .innerJoin(organizations, eq(organizations.id, deliveries.organizationId))
    .where(where)
    .orderBy(...keysetOrder(deliveries.createdAt, deliveries.id, filters))
    .limit(limit);
}

/** One delivery of the organization with its event and every attempt; undefined for another tenant's id. */
export async function getDeliveryDetail({ orgId, id }: { orgId: string; id: string }) {
  return queryDeliveryDetail(id, orgId);
}

/** Any organization's delivery, for platform admins only (fails closed). */
export async function getDeliveryDetailForAdmin({ isPlatformAdmin, id }: { isPlatformAdmin: boolean; id: string }) {
  return isPlatformAdmin ? queryDeliveryDetail(id, undefined) : undefined;
}

async function queryDeliveryDetail(id: string, orgId: string | undefined) {
  const db = await getDb();
  const [row] = await db
    .select({
      delivery: deliveries,
      event: events,
      endpoint: {
        id: webhookEndpoints.id,
        url: webhookEndpoints.url,
        description: webhookEndpoints.description,
        active: webhookEndpoints.active,
        deletedAt: webhookEndpoints.deletedAt,
      },
    })
    .from(deliveries)
    .innerJoin(events, eq(events.id, deliveries.eventId))
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, deliveries.endpointId))
    .where(and(eq(deliveries.id, id), orgId ? eq(deliveries.organizationId, orgId) : undefined))
    .limit(1);
  if (!row) return undefined;
  const attempts = await db
    .select()
    .from(deliveryAttempts)
    .where(eq(deliveryAttempts.deliveryId, id))
    .orderBy(asc(deliveryAttempts.attemptNumber));
  return { ...row, attempts };
}
