import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { getDb, rowsOf } from "@/db";
import { endpointNotices, type AlertKind, type EndpointDisabledCause, type EndpointHealthState } from "@/db/schema";
import { DISABLED_REASONS } from "@/lib/delivery/health";
import { queueEmail, type QueueEmailInput } from "@/lib/email";
import type { EmailTemplateName } from "@/lib/email/templates";
import { describeFailure } from "@/lib/delivery/describe-failure";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { publishOperationalEvent } from "@/lib/operational/events";
import { ALERT_KIND_INFO, isAlertKind } from "./kinds";
import { unsubscribeHeaders, unsubscribeLinks, unsubscribeToken } from "./unsubscribe";

/**
 * The alert drain: takes the notices endpoints' changes wrote (endpoint_notices), publishes each one's operational
 * event and queues its alert emails, then deletes it. A notice is claimed for a while (a crashed drain's notices come
 * back after CLAIM_MS); its operational event carries the notice's id as idempotency key (published twice, it is
 * stored once); its emails are queued in the transaction that deletes it (queued twice, never: the delete finds the
 * row once). So a crash loses nothing and sends nothing twice.
 */

const CLAIM_MS = 2 * 60 * 1000;
/** A notice that keeps failing (e.g. the database refuses its emails) is dropped after this many tries, with an error logged. */
const MAX_ATTEMPTS = 10;

interface NoticeRow {
  id: number | string;
  organization_id: string;
  endpoint_id: string;
  alert: string | null;
  event_type: string | null;
  data: Record<string, unknown> | string;
  attempts: number;
  created_at: Date | string;
}

interface EndpointContext {
  endpoint: {
    id: string;
    url: string;
    description: string;
    eventTypes: string[] | null;
    active: boolean;
    health: EndpointHealthState;
    disabledCause: EndpointDisabledCause | null;
    failingSince: string | null;
    timeoutSeconds: number;
    alertEmails: string[];
    deleted: boolean;
  };
  organization: { id: string; name: string; externalId: string | null; isPlatform: boolean };
}

const iso = (value: unknown): string | null => {
  if (value === null || value === undefined || value === "") return null;
  const d = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
};

async function loadContext(endpointId: string): Promise<EndpointContext | undefined> {
  const db = await getDb();
  const result = await db.execute(sql`
    select e.id, e.url, e.description, e.event_types, e.active, e.health, e.disabled_cause, e.failing_since,
      e.timeout_seconds, e.alert_emails, e.deleted_at is not null as deleted,
      o.id as org_id, o.name as org_name, o.external_id, o.is_platform
    from webhook_endpoints e join organizations o on o.id = e.organization_id
    where e.id = ${endpointId}
  `);
  const [r] = rowsOf<Record<string, unknown>>(result);
  if (!r) return undefined;
  const array = (v: unknown): string[] | null => (v === null || v === undefined ? null : Array.isArray(v) ? (v as string[]) : parsePgArray(String(v)));
  return {
    endpoint: {
      id: String(r.id),
      url: String(r.url),
      description: String(r.description ?? ""),
      eventTypes: array(r.event_types),
      active: Boolean(r.active),
      health: r.health as EndpointHealthState,
      disabledCause: (r.disabled_cause as EndpointDisabledCause | null) ?? null,
      failingSince: iso(r.failing_since),
      timeoutSeconds: Number(r.timeout_seconds),
      alertEmails: array(r.alert_emails) ?? [],
      deleted: Boolean(r.deleted),
    },
    organization: { id: String(r.org_id), name: String(r.org_name), externalId: (r.external_id as string | null) ?? null, isPlatform: Boolean(r.is_platform) },
  };
}

/** `{a,b}` as some drivers return a text[] column. */
function parsePgArray(text: string): string[] {
  const inner = text.replace(/^\{|\}$/g, "");
  return inner ? inner.split(",").map((s) => s.replace(/^"|"$/g, "")) : [];
}

type Actor = { type: "user" | "api_key" | "platform_key" | "system"; id: string | null; email: string | null };
const SYSTEM: Actor = { type: "system", id: null, email: null };

function actorOf(data: Record<string, unknown>): Actor {
  const a = data.actor as Partial<Actor> | undefined;
  if (!a || !a.type) return SYSTEM;
  return { type: a.type, id: a.id ?? null, email: a.email ?? null };
}

const byWhom = (actor: Actor) => (actor.type === "user" ? ` by ${actor.email ?? "a person"}` : actor.type === "api_key" ? " through the API" : "");

interface LastFailure {
  at: string;
  status: number | null;
  errorClass: string | null;
  deliveryId: string;
}

function lastFailureOf(data: Record<string, unknown>): LastFailure | null {
  const f = data.lastFailure as Partial<LastFailure> | null | undefined;
  if (!f || !f.deliveryId) return null;
  return { at: iso(f.at) ?? new Date().toISOString(), status: typeof f.status === "number" ? f.status : null, errorClass: f.errorClass ?? null, deliveryId: f.deliveryId };
}

function portal(ctx: EndpointContext) {
  const base = env.email.appUrl;
  // The platform's own endpoints live under Admin; partners' under Webhooks.
  return ctx.organization.isPlatform
    ? { endpoint: `${base}/admin/operational-webhooks#${ctx.endpoint.id}`, delivery: (id: string) => `${base}/admin/logs/${id}` }
    : { endpoint: `${base}/webhooks/${ctx.endpoint.id}`, delivery: (id: string) => `${base}/webhooks/logs/${id}` };
}

/** The operational event's data for a notice (validated against the catalog when published). */
async function operationalPayload(row: NoticeRow, type: string, data: Record<string, unknown>, ctx: EndpointContext): Promise<Record<string, unknown> | undefined> {
  const links = portal(ctx);
  const actor = actorOf(data);
  const failure = lastFailureOf(data);
  const base = {
    organization: { id: ctx.organization.id, externalId: ctx.organization.externalId, name: ctx.organization.name },
    endpoint: {
      id: ctx.endpoint.id,
      url: ctx.endpoint.url,
      description: ctx.endpoint.description,
      eventTypes: ctx.endpoint.eventTypes,
      active: ctx.endpoint.active,
      health: ctx.endpoint.health,
      disabledCause: ctx.endpoint.disabledCause,
      failingSince: ctx.endpoint.failingSince,
      portalUrl: links.endpoint,
    },
    actor,
    occurredAt: iso(data.at) ?? iso(row.created_at)!,
  };
  const counts = {
    failedAttempts: Number(data.failedAttempts ?? 0),
    failedDeliveries: Number(data.failedDeliveries ?? 0),
    lastFailure: failure,
  };
  switch (type) {
    case "endpoint.created":
      return { ...base, reason: `Endpoint created${byWhom(actor)}.` };
    case "endpoint.updated": {
      const fields = Array.isArray(data.changedFields) ? (data.changedFields as string[]) : [];
      return { ...base, reason: `Endpoint updated${byWhom(actor)}${fields.length ? `: ${fields.join(", ")}` : ""}.`, changedFields: fields };
    }
    case "endpoint.deleted":
      return { ...base, reason: `Endpoint deleted${byWhom(actor)}.` };
    case "endpoint.enabled":
      return { ...base, reason: `Endpoint switched on${byWhom(actor)}.` };
    case "endpoint.disabled": {
      const cause = (data.cause as EndpointDisabledCause | null) ?? "person";
      const reason = cause === "person" ? `Endpoint switched off${byWhom(actor)}.` : String(data.reason ?? DISABLED_REASONS[cause]);
      return { ...base, reason, cause, ...counts };
    }
    case "endpoint.failing":
      return { ...base, reason: `Deliveries to the endpoint fail: ${describeFailure(failure, ctx.endpoint.timeoutSeconds)}.`, ...counts };
    case "endpoint.recovered": {
      const since = iso(data.failingSince) ?? base.occurredAt;
      return { ...base, reason: `The endpoint answered 2xx again after failing since ${since}.`, failingSince: since, failedAttempts: counts.failedAttempts, failedDeliveries: counts.failedDeliveries };
    }
    case "endpoint.secret_rotated":
      return {
        ...base,
        reason: `Signing ${data.signatureScheme === "v1a" ? "key" : "secret"} ${data.switched ? "scheme switched" : "rotated"}${byWhom(actor)}.`,
        signatureScheme: data.signatureScheme === "v1a" ? "v1a" : "v1",
        previousSecretExpiresAt: iso(data.previousSecretExpiresAt),
      };
    case "delivery.exhausted": {
      const db = await getDb();
      const result = await db.execute(sql`
        select d.id, d.event_id, ev.type, d.attempt_count, d.last_status_code, d.last_error_class
        from deliveries d join events ev on ev.id = d.event_id where d.id = ${String(data.deliveryId ?? "")}
      `);
      const [d] = rowsOf<{ id: string; event_id: string; type: string; attempt_count: number; last_status_code: number | null; last_error_class: string | null }>(result);
      // Purged by log retention before the drain got to it: nothing left to describe.
      if (!d) return undefined;
      const last = { status: (data.status as number | null) ?? d.last_status_code, errorClass: (data.errorClass as string | null) ?? d.last_error_class };
      const attempts = Number(data.attempts ?? d.attempt_count);
      return {
        ...base,
        reason: data.gone
          ? "The endpoint answered 410 Gone: the delivery stopped at once."
          : `All ${attempts} attempts failed; the last one: ${describeFailure(last, ctx.endpoint.timeoutSeconds)}.`,
        delivery: {
          id: d.id,
          eventId: d.event_id,
          eventType: d.type,
          attempts,
          lastStatus: last.status,
          lastErrorClass: last.errorClass,
          portalUrl: links.delivery(d.id),
        },
      };
    }
    default:
      return undefined;
  }
}

interface Recipient {
  email: string;
  userId: string | null;
  recipient: "owner" | "alert_email";
}

/** The organization's owners and the endpoint's Alert emails, less those who opted out of this kind. */
async function recipientsFor(ctx: EndpointContext, kind: AlertKind): Promise<Recipient[]> {
  const db = await getDb();
  const owners = ctx.organization.isPlatform
    ? []
    : rowsOf<{ id: string; email: string; opted_out: boolean }>(
        await db.execute(sql`
          select u.id, u.email, exists (select 1 from notification_opt_outs o where o.user_id = u.id and o.kind = ${kind}) as opted_out
          from memberships m join users u on u.id = m.user_id
          where m.organization_id = ${ctx.organization.id} and m.role = 'owner'
          order by u.email
        `),
      );
  const out: Recipient[] = [];
  const seen = new Set<string>();
  for (const o of owners) {
    seen.add(o.email.toLowerCase());
    if (!o.opted_out) out.push({ email: o.email, userId: o.id, recipient: "owner" });
  }
  const extra = ctx.endpoint.alertEmails.map((e) => e.toLowerCase()).filter((e) => !seen.has(e));
  if (extra.length > 0) {
    const optedOut = new Set(
      rowsOf<{ email: string }>(
        await db.execute(sql`
          select email from notification_opt_outs
          where user_id is null and organization_id = ${ctx.organization.id} and kind = ${kind}
            and email in (${sql.join(extra.map((e) => sql`${e}`), sql`, `)})
        `),
      ).map((r) => r.email),
    );
    for (const email of new Set(extra)) if (!optedOut.has(email)) out.push({ email, userId: null, recipient: "alert_email" });
  }
  return out;
}

function alertEmailData(kind: AlertKind, data: Record<string, unknown>, ctx: EndpointContext, recipient: Recipient, unsubscribeLink: string) {
  const links = portal(ctx);
  const failure = lastFailureOf(data);
  let host = ctx.endpoint.url;
  try {
    host = new URL(ctx.endpoint.url).host;
  } catch {
    // A stored URL always parses; the raw URL is a fine name otherwise.
  }
  const failingSince = iso(data.failingSince);
  const common = {
    organizationName: ctx.organization.name,
    endpointName: ctx.endpoint.description || host,
    endpointUrl: ctx.endpoint.url,
    endpointLink: links.endpoint,
    timeoutSeconds: ctx.endpoint.timeoutSeconds,
    failingSince,
    failedAttempts: Number(data.failedAttempts ?? 0),
    failedDeliveries: Number(data.failedDeliveries ?? 0),
    lastFailure: failure ? { at: failure.at, status: failure.status, errorClass: failure.errorClass } : null,
    exampleDeliveryLink: failure ? links.delivery(failure.deliveryId) : null,
    unsubscribeLink,
    recipient: recipient.recipient,
  };
  if (kind === "disabling_soon") return { ...common, disablesAt: iso(data.disablesAt) };
  if (kind === "disabled") {
    const since = failingSince ?? iso(data.at) ?? new Date().toISOString();
    const cause = (data.cause as EndpointDisabledCause | null) ?? "person";
    const recoverLink = ctx.organization.isPlatform ? links.endpoint : `${links.endpoint}?recover=${encodeURIComponent(since)}#recover`;
    return { ...common, reason: String(data.reason ?? DISABLED_REASONS[cause]), recoverLink, recoverSince: since };
  }
  return common;
}

async function handleNotice(row: NoticeRow, token: string): Promise<void> {
  const db = await getDb();
  const data = (typeof row.data === "string" ? JSON.parse(row.data) : row.data) as Record<string, unknown>;
  const ctx = await loadContext(row.endpoint_id);
  const emails: QueueEmailInput<EmailTemplateName>[] = [];
  if (ctx) {
    // Operational events are about partners' endpoints: the platform's own ones report nothing about themselves.
    if (row.event_type && !ctx.organization.isPlatform) {
      const payload = await operationalPayload(row, row.event_type, data, ctx);
      if (payload) await publishOperationalEvent(row.event_type, payload, `notice-${row.id}`);
    }
    // A deleted endpoint's alerts are moot: its owner removed it.
    if (row.alert && isAlertKind(row.alert) && !ctx.endpoint.deleted) {
      const kind = row.alert;
      for (const r of await recipientsFor(ctx, kind)) {
        const unsubscribe = unsubscribeToken(r.userId ? { userId: r.userId } : { organizationId: ctx.organization.id, email: r.email }, kind);
        emails.push({
          to: r.email,
          template: ALERT_KIND_INFO[kind].template,
          data: alertEmailData(kind, data, ctx, r, unsubscribeLinks(unsubscribe).page),
          organizationId: ctx.organization.id,
          userId: r.userId,
          headers: unsubscribeHeaders(unsubscribe),
        } as QueueEmailInput<EmailTemplateName>);
      }
    }
  }
  await db.transaction(async (tx) => {
    const deleted = await tx
      .delete(endpointNotices)
      .where(and(eq(endpointNotices.id, Number(row.id)), eq(endpointNotices.claimToken, token)))
      .returning({ id: endpointNotices.id });
    // Another drain took it over (this one outlived its claim): that one sends the emails.
    if (deleted.length === 0) return;
    for (const email of emails) await queueEmail(email, { tx });
  });
  if (emails.length > 0) logger.info("endpoint alert queued", { endpointId: row.endpoint_id, alert: row.alert, recipients: emails.length });
}

/**
 * Handles the notices that wait (at most `limit`, oldest first) and returns how many it took. A notice that fails is
 * tried again later (after a growing delay), and the later notices of the same endpoint wait with it, so a partner
 * never reads "recovered" before "failing".
 */
export async function drainNotices(limit = 50): Promise<number> {
  const db = await getDb();
  const token = randomBytes(9).toString("base64url");
  const claimed = rowsOf<NoticeRow>(
    await db.execute(sql`
      update endpoint_notices n set claimed_until = now() + ${CLAIM_MS} * interval '1 millisecond', claim_token = ${token},
        attempts = n.attempts + 1
      where n.id in (
        select id from endpoint_notices where claimed_until is null or claimed_until < now()
        order by id limit ${limit} for update skip locked)
      returning n.id, n.organization_id, n.endpoint_id, n.alert, n.event_type, n.data, n.attempts, n.created_at
    `),
  ).sort((a, b) => Number(a.id) - Number(b.id));
  const held = new Set<string>();
  for (const row of claimed) {
    if (held.has(row.endpoint_id)) {
      await release(row, token, 0, "an earlier notice of this endpoint is waiting for a retry");
      continue;
    }
    try {
      await handleNotice(row, token);
    } catch (error) {
      held.add(row.endpoint_id);
      const message = error instanceof Error ? error.message : String(error);
      if (row.attempts >= MAX_ATTEMPTS) {
        logger.error("endpoint notice dropped after repeated failures", { noticeId: row.id, endpointId: row.endpoint_id, alert: row.alert, eventType: row.event_type, error });
        await db.delete(endpointNotices).where(and(eq(endpointNotices.id, Number(row.id)), eq(endpointNotices.claimToken, token)));
      } else {
        logger.warn("endpoint notice failed, will retry", { noticeId: row.id, endpointId: row.endpoint_id, attempts: row.attempts, error: message });
        await release(row, token, Math.min(2 ** row.attempts * 1000, CLAIM_MS), message);
      }
    }
  }
  return claimed.length;
}

async function release(row: NoticeRow, token: string, delayMs: number, error: string): Promise<void> {
  const db = await getDb();
  await db
    .update(endpointNotices)
    .set({ claimedUntil: sql`now() + ${delayMs} * interval '1 millisecond'`, lastError: error.slice(0, 500), claimToken: null })
    .where(and(eq(endpointNotices.id, Number(row.id)), eq(endpointNotices.claimToken, token)));
}
