import { sql } from "drizzle-orm";
import { getDb, rowsOf, type Db } from "@/db";
import { endpointNotices, type AlertKind, type EndpointDisabledCause } from "@/db/schema";
import { logger } from "@/lib/logger";
import { DISABLE_AFTER_CONSECUTIVE_FAILURES, DISABLE_AFTER_FAILING_MS } from "./constants";

/**
 * Endpoint health: the thresholds and texts the attempt statement (./attempt.ts) applies, the sweep that warns before
 * the 3-day limit, and the notices person-made changes write. The alert emails and operational webhooks these notices
 * turn into are sent by lib/alerts (which imports this room, never the other way round): this room only calls the
 * listener lib/alerts registers.
 */

/** The "about to be disabled" alert goes out at this many failed deliveries in a row (of the 50 allowed). */
export const WARN_AFTER_CONSECUTIVE_FAILURES = 40;
/** ...or this long before the 3-day limit, whichever comes first. */
export const WARN_BEFORE_FAILING_LIMIT_MS = 12 * 60 * 60 * 1000;
/** At most one "failing" alert per endpoint in this time, however often it flaps between failing and healthy. */
export const FAILING_ALERT_INTERVAL_MS = 6 * 60 * 60 * 1000;

export const WARN_AFTER_FAILING_SECONDS = Math.round((DISABLE_AFTER_FAILING_MS - WARN_BEFORE_FAILING_LIMIT_MS) / 1000);
export const FAILING_ALERT_INTERVAL_SECONDS = Math.round(FAILING_ALERT_INTERVAL_MS / 1000);

/** What each disable cause says, on the endpoint, in alerts and in operational events. */
export const DISABLED_REASONS: Record<EndpointDisabledCause, string> = {
  gone: "The endpoint answered 410 Gone, so Herald stopped sending to it.",
  consecutive_failures: `Disabled after ${DISABLE_AFTER_CONSECUTIVE_FAILURES} failed deliveries in a row.`,
  failing_too_long: "Disabled after 3 days of failed deliveries without a success.",
  person: "Switched off by a person.",
};

/** A notice a change writes: the alert to email (if any) and the operational event to publish (if any). */
export interface NoticeInput {
  organizationId: string;
  endpointId: string;
  alert?: AlertKind | null;
  eventType?: string | null;
  data?: Record<string, unknown>;
}

/**
 * Writes notices with the caller's handle: pass the transaction of the change that caused them, so both commit or
 * neither does; call `noticesWritten()` after the commit, so the drain runs at once rather than at its next sweep.
 */
export async function writeNotices(db: Pick<Db, "insert">, notices: NoticeInput[]): Promise<void> {
  if (notices.length === 0) return;
  await db.insert(endpointNotices).values(
    notices.map((n) => ({
      organizationId: n.organizationId,
      endpointId: n.endpointId,
      alert: n.alert ?? null,
      eventType: n.eventType ?? null,
      data: n.data ?? {},
    })),
  );
}

type Listener = () => void;
const globalStore = globalThis as typeof globalThis & { __heraldNoticeListener?: Listener };

/** lib/alerts registers the drain here, so a notice is handled at once rather than at the next sweep. */
export function onNoticesWritten(listener: Listener | undefined): void {
  globalStore.__heraldNoticeListener = listener;
}

/** Tells the listener (if any) that notices wait. Never throws: the periodic sweep picks them up anyway. */
export function noticesWritten(): void {
  try {
    globalStore.__heraldNoticeListener?.();
  } catch (error) {
    logger.warn("notice listener failed", { error });
  }
}

/**
 * The time rule of "about to be disabled": endpoints failing for 2.5 days (12 hours before the 3-day limit) that have
 * not been warned in this failing spell get the warning now, whether or not an attempt happens to run at that moment.
 * One statement marks them and writes their notices; `skip locked` leaves endpoints an attempt is recording alone
 * (that attempt's own statement applies the same rule). Returns how many were warned.
 */
export async function sweepDisablingSoon(): Promise<number> {
  const db = await getDb();
  const result = await db.execute(sql`
    with due as (
      select id from webhook_endpoints
      where health = 'failing' and active and deleted_at is null and disable_warned_at is null
        and failing_since <= now() - ${WARN_AFTER_FAILING_SECONDS} * interval '1 second'
      limit 500
      -- NO KEY UPDATE: a publish's foreign-key checks on these endpoints go on meanwhile.
      for no key update skip locked
    ),
    warned as (
      update webhook_endpoints e set disable_warned_at = now()
      from due where e.id = due.id
      returning e.id, e.organization_id, e.failing_since, e.failed_attempts, e.consecutive_failures, e.last_failure
    ),
    noticed as (
      insert into endpoint_notices (organization_id, endpoint_id, alert, event_type, data)
      select organization_id, id, 'disabling_soon', null, jsonb_build_object(
        'health', 'failing', 'previousHealth', 'failing', 'failingSince', failing_since,
        'failedAttempts', failed_attempts, 'failedDeliveries', consecutive_failures, 'lastFailure', last_failure,
        'disablesAt', failing_since + ${Math.round(DISABLE_AFTER_FAILING_MS / 1000)} * interval '1 second', 'at', now())
      from warned
      returning id
    )
    select count(*)::int as n from noticed
  `);
  const n = Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0);
  if (n > 0) noticesWritten();
  return n;
}
