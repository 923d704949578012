import { and, eq, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb, rowsOf, type Db } from "@/db";
import { organizationBilling, organizations, stripeEvents, type Plan, type StripeEventOutcome, type SubscriptionStatus } from "@/db/schema";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { PLAN_INFO } from "@/lib/plans";
import type { PricePlans } from "./price-plans";
import { resumePausedDeliveries } from "@/lib/delivery/pause";
import { recordAudit } from "@/lib/audit/record";

/** The Stripe event types Herald acts on (select these when adding the webhook endpoint in Stripe). */
export const HANDLED_STRIPE_EVENTS = [
  "checkout.session.completed",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "invoice.paid",
  "invoice.payment_failed",
] as const;

// Payloads are read with zod rather than trusted as Stripe's TypeScript types: their shape follows the API version
// of the webhook endpoint, which may differ from the one this package was built for (e.g. where the period end and
// an invoice's subscription live).
const stripeId = z.union([z.string().min(1), z.object({ id: z.string().min(1) })]).transform((v) => (typeof v === "string" ? v : v.id));
const metadata = z.record(z.string(), z.string()).nullish();

const eventSchema = z.object({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  created: z.number().int().positive(),
  livemode: z.boolean().default(false),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

const checkoutSessionSchema = z.object({
  id: z.string(),
  client_reference_id: z.string().nullish(),
  metadata,
  customer: stripeId.nullish(),
  subscription: stripeId.nullish(),
});

const subscriptionSchema = z.object({
  id: z.string(),
  customer: stripeId,
  status: z.string(),
  metadata,
  current_period_end: z.number().int().nullish(),
  items: z
    .object({
      data: z.array(z.object({ price: z.object({ id: z.string() }).nullish(), current_period_end: z.number().int().nullish() })),
    })
    .nullish(),
});

const invoiceSchema = z.object({
  id: z.string(),
  customer: stripeId.nullish(),
  subscription: stripeId.nullish(),
  parent: z.object({ subscription_details: z.object({ subscription: stripeId.nullish(), metadata }).nullish() }).nullish(),
});

/**
 * Stripe's statuses as Herald's five: `incomplete` (first payment not yet through) waits like past_due,
 * `incomplete_expired` ended like canceled, and `paused` (a trial ended without a payment method) is unpaid.
 */
const STATUS_MAP: Record<string, SubscriptionStatus> = {
  active: "active",
  trialing: "trialing",
  past_due: "past_due",
  canceled: "canceled",
  unpaid: "unpaid",
  incomplete: "past_due",
  incomplete_expired: "canceled",
  paused: "unpaid",
};

const PLAN_RANK: Record<Plan, number> = { free: 0, pro: 1, enterprise: 2 };

/** The plan a subscription's prices grant: the highest one mapped, or undefined when none of them is configured. */
export function planForPrices(priceIds: string[], plans: PricePlans = env.billing.pricePlans): Plan | undefined {
  let best: Plan | undefined;
  for (const id of priceIds) {
    const plan = plans.get(id);
    if (plan && (!best || PLAN_RANK[plan] > PLAN_RANK[best])) best = plan;
  }
  return best;
}

export interface StripeEventResult {
  outcome: StripeEventOutcome;
  detail: string;
  organizationId?: string;
  /** The event was received before: nothing was done again. */
  duplicate: boolean;
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
type Applied = Omit<StripeEventResult, "duplicate">;

const ORG_ID = /^org_[0-9a-z]{20}$/;

/**
 * The organization an event is about: the id Herald put in the Checkout session's metadata (or
 * client_reference_id), else the organization already linked to the customer or subscription.
 */
async function findOrganization(
  tx: Tx,
  hints: { orgId?: string | null; customerId?: string | null; subscriptionId?: string | null },
): Promise<string | undefined> {
  if (hints.orgId && ORG_ID.test(hints.orgId)) {
    const [org] = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, hints.orgId)).limit(1);
    if (org) return org.id;
  }
  if (hints.customerId) {
    const [row] = await tx
      .select({ id: organizationBilling.organizationId })
      .from(organizationBilling)
      .where(eq(organizationBilling.stripeCustomerId, hints.customerId))
      .limit(1);
    if (row) return row.id;
  }
  if (hints.subscriptionId) {
    const [row] = await tx
      .select({ id: organizationBilling.organizationId })
      .from(organizationBilling)
      .where(eq(organizationBilling.stripeSubscriptionId, hints.subscriptionId))
      .limit(1);
    if (row) return row.id;
  }
  return undefined;
}

/** The organization's billing row, created if missing, locked for this transaction (events for one org serialise). */
async function lockBilling(tx: Tx, orgId: string) {
  await tx.insert(organizationBilling).values({ organizationId: orgId }).onConflictDoNothing();
  const result = await tx.execute(sql`
    select b.stripe_customer_id, b.stripe_subscription_id, b.status, b.subscription_event_at, b.invoice_event_at, o.plan
    from organization_billing b join organizations o on o.id = b.organization_id
    where b.organization_id = ${orgId}
    for update of b
  `);
  const [row] = rowsOf<{
    stripe_customer_id: string | null;
    stripe_subscription_id: string | null;
    status: SubscriptionStatus | null;
    subscription_event_at: Date | string | null;
    invoice_event_at: Date | string | null;
    plan: Plan;
  }>(result);
  if (!row) throw new Error(`organization ${orgId} vanished while its Stripe event was processed`);
  const toDate = (v: Date | string | null) => (v === null ? null : v instanceof Date ? v : new Date(v));
  return { ...row, subscription_event_at: toDate(row.subscription_event_at), invoice_event_at: toDate(row.invoice_event_at) };
}

/** Whether another organization already holds this Stripe customer (one customer pays for one organization). */
async function customerTakenByOther(tx: Tx, customerId: string, orgId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: organizationBilling.organizationId })
    .from(organizationBilling)
    .where(and(eq(organizationBilling.stripeCustomerId, customerId), ne(organizationBilling.organizationId, orgId)))
    .limit(1);
  return Boolean(row);
}

const day = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

async function applyCheckoutCompleted(tx: Tx, object: unknown, created: Date): Promise<Applied> {
  const parsed = checkoutSessionSchema.safeParse(object);
  if (!parsed.success) return { outcome: "invalid", detail: "The Checkout session could not be read." };
  const session = parsed.data;
  const orgId = await findOrganization(tx, {
    orgId: session.client_reference_id ?? session.metadata?.organizationId,
    customerId: session.customer,
    subscriptionId: session.subscription,
  });
  if (!orgId) return { outcome: "unmatched", detail: "No organization matches the session's client_reference_id, metadata or customer." };
  if (!session.customer) return { outcome: "ignored", detail: "The session has no customer to link.", organizationId: orgId };
  if (await customerTakenByOther(tx, session.customer, orgId)) {
    return { outcome: "ignored", detail: `Customer ${session.customer} is linked to another organization.`, organizationId: orgId };
  }
  const billing = await lockBilling(tx, orgId);
  // A session older than the subscription state must not swap back an older subscription id.
  const linkSubscription = session.subscription && (!billing.subscription_event_at || created >= billing.subscription_event_at);
  await tx
    .update(organizationBilling)
    .set({
      stripeCustomerId: session.customer,
      ...(linkSubscription ? { stripeSubscriptionId: session.subscription } : {}),
      updatedAt: new Date(),
    })
    .where(eq(organizationBilling.organizationId, orgId));
  return {
    outcome: "processed",
    detail: `Linked customer ${session.customer}${linkSubscription ? ` and subscription ${session.subscription}` : ""}.`,
    organizationId: orgId,
  };
}

async function applySubscription(tx: Tx, type: string, object: unknown, created: Date): Promise<Applied> {
  const parsed = subscriptionSchema.safeParse(object);
  if (!parsed.success) return { outcome: "invalid", detail: "The subscription could not be read." };
  const sub = parsed.data;
  const status: SubscriptionStatus | undefined = type === "customer.subscription.deleted" ? "canceled" : STATUS_MAP[sub.status];
  const orgId = await findOrganization(tx, { orgId: sub.metadata?.organizationId, customerId: sub.customer, subscriptionId: sub.id });
  if (!orgId) return { outcome: "unmatched", detail: `No organization is linked to customer ${sub.customer} or subscription ${sub.id}.` };
  if (!status) return { outcome: "ignored", detail: `Unknown subscription status "${sub.status.slice(0, 40)}".`, organizationId: orgId };
  if (await customerTakenByOther(tx, sub.customer, orgId)) {
    return { outcome: "ignored", detail: `Customer ${sub.customer} is linked to another organization.`, organizationId: orgId };
  }
  const billing = await lockBilling(tx, orgId);
  if (billing.subscription_event_at && created < billing.subscription_event_at) {
    return { outcome: "stale", detail: `Older than the state already applied (${billing.subscription_event_at.toISOString()}).`, organizationId: orgId };
  }
  // An old subscription ending must not end the one that replaced it.
  if (billing.stripe_subscription_id && billing.stripe_subscription_id !== sub.id && (status === "canceled" || status === "unpaid")) {
    return { outcome: "ignored", detail: `Subscription ${sub.id} is not the organization's current one (${billing.stripe_subscription_id}).`, organizationId: orgId };
  }
  const items = sub.items?.data ?? [];
  const priceIds = items.flatMap((i) => (i.price ? [i.price.id] : []));
  const mapped = planForPrices(priceIds);
  const plan = mapped ?? billing.plan;
  const periodEnd = items.find((i) => i.current_period_end)?.current_period_end ?? sub.current_period_end ?? null;
  const paymentFailed = status === "past_due" || status === "unpaid" ? true : status === "active" || status === "trialing" ? false : undefined;
  await tx
    .update(organizationBilling)
    .set({
      stripeCustomerId: sub.customer,
      stripeSubscriptionId: sub.id,
      stripePriceId: priceIds[0] ?? null,
      status,
      currentPeriodEnd: periodEnd ? new Date(periodEnd * 1000) : null,
      ...(paymentFailed === undefined ? {} : { paymentFailed }),
      planSource: "stripe",
      planSetBy: null,
      planSetAt: created,
      subscriptionEventAt: created,
      updatedAt: new Date(),
    })
    .where(eq(organizationBilling.organizationId, orgId));
  if (plan !== billing.plan) {
    await tx.update(organizations).set({ plan, updatedAt: new Date() }).where(eq(organizations.id, orgId));
    // In the same transaction as the change: Stripe's subscription, acted on by Herald itself.
    await recordAudit(
      { organizationId: orgId, actor: { type: "system" }, action: "organization.plan_changed", target: { type: "organization", id: orgId }, changes: { plan: { from: billing.plan, to: plan }, source: `Stripe ${type}` } },
      { tx },
    );
  }
  const unknownPrice = mapped ? "" : ` Price ${priceIds.join(", ") || "(none)"} is not in STRIPE_PRICE_PLANS: the plan stays ${PLAN_INFO[plan].name}.`;
  return {
    outcome: "processed",
    detail: `${PLAN_INFO[plan].name}, ${status}${periodEnd ? `, period ends ${day(periodEnd)}` : ""}.${unknownPrice}`,
    organizationId: orgId,
  };
}

async function applyInvoice(tx: Tx, type: string, object: unknown, created: Date): Promise<Applied> {
  const parsed = invoiceSchema.safeParse(object);
  if (!parsed.success) return { outcome: "invalid", detail: "The invoice could not be read." };
  const invoice = parsed.data;
  const subscriptionId = invoice.parent?.subscription_details?.subscription ?? invoice.subscription ?? null;
  const orgId = await findOrganization(tx, {
    orgId: invoice.parent?.subscription_details?.metadata?.organizationId,
    customerId: invoice.customer,
    subscriptionId,
  });
  if (!orgId) return { outcome: "unmatched", detail: `No organization is linked to customer ${invoice.customer ?? "(none)"}.` };
  if (!subscriptionId) return { outcome: "ignored", detail: "Not a subscription invoice.", organizationId: orgId };
  const billing = await lockBilling(tx, orgId);
  if (billing.stripe_subscription_id && billing.stripe_subscription_id !== subscriptionId) {
    return { outcome: "ignored", detail: `For subscription ${subscriptionId}, not the organization's current one.`, organizationId: orgId };
  }
  if (billing.invoice_event_at && created < billing.invoice_event_at) {
    return { outcome: "stale", detail: `Older than the invoice state already applied (${billing.invoice_event_at.toISOString()}).`, organizationId: orgId };
  }
  const paid = type === "invoice.paid";
  // The subscription's own events carry its status; an invoice only moves it when it is the newer news, so that a
  // late invoice never hides a plan change and a paid invoice resumes deliveries without waiting for the update.
  const newerThanSubscription = !billing.subscription_event_at || created >= billing.subscription_event_at;
  let status: SubscriptionStatus | undefined;
  if (newerThanSubscription && paid && (billing.status === "past_due" || billing.status === "unpaid")) status = "active";
  if (newerThanSubscription && !paid && (billing.status === "active" || billing.status === "trialing")) status = "past_due";
  const linkCustomer = !billing.stripe_customer_id && invoice.customer && !(await customerTakenByOther(tx, invoice.customer, orgId));
  await tx
    .update(organizationBilling)
    .set({
      paymentFailed: !paid,
      invoiceEventAt: created,
      ...(status ? { status, subscriptionEventAt: created } : {}),
      ...(linkCustomer ? { stripeCustomerId: invoice.customer } : {}),
      ...(billing.stripe_subscription_id ? {} : { stripeSubscriptionId: subscriptionId }),
      updatedAt: new Date(),
    })
    .where(eq(organizationBilling.organizationId, orgId));
  return {
    outcome: "processed",
    detail: `Invoice ${invoice.id} ${paid ? "paid" : "payment failed"}${status ? `: status now ${status}` : ""}.`,
    organizationId: orgId,
  };
}

/**
 * Processes one verified Stripe event, once: the event id is claimed in `stripe_events` in the same transaction
 * that applies it, so a replay (or Stripe's own retry of an event already handled) changes nothing. An event older
 * (by `created`) than the state it would change is recorded as stale and changes nothing. A crash rolls back and
 * marks the event failed, and Stripe's retry processes it again. After a change, deliveries paused by billing are
 * resumed if the organization may deliver again.
 */
export async function handleStripeEvent(raw: unknown): Promise<StripeEventResult> {
  const parsed = eventSchema.safeParse(raw);
  if (!parsed.success) return { outcome: "invalid", detail: "The event could not be read.", duplicate: false };
  const event = parsed.data;
  const created = new Date(event.created * 1000);
  const db = await getDb();
  let result: StripeEventResult;
  try {
    result = await db.transaction(async (tx) => {
      const claimed = await tx.execute(sql`
        insert into stripe_events (id, type, stripe_created_at, livemode, outcome)
        values (${event.id}, ${event.type}, ${created.toISOString()}::timestamptz, ${event.livemode}, 'failed')
        on conflict (id) do update set received_at = now() where stripe_events.outcome = 'failed'
        returning id
      `);
      if (rowsOf(claimed).length === 0) return { outcome: "processed", detail: "Already received.", duplicate: true } as StripeEventResult;
      let applied: Applied;
      const object = event.data.object;
      if (event.type === "checkout.session.completed") applied = await applyCheckoutCompleted(tx, object, created);
      else if (event.type.startsWith("customer.subscription.") && (HANDLED_STRIPE_EVENTS as readonly string[]).includes(event.type)) {
        applied = await applySubscription(tx, event.type, object, created);
      } else if (event.type === "invoice.paid" || event.type === "invoice.payment_failed") applied = await applyInvoice(tx, event.type, object, created);
      else applied = { outcome: "ignored", detail: "Herald does not act on this event type." };
      await tx
        .update(stripeEvents)
        .set({ outcome: applied.outcome, detail: applied.detail, organizationId: applied.organizationId ?? null })
        .where(eq(stripeEvents.id, event.id));
      return { ...applied, duplicate: false };
    });
  } catch (error) {
    logger.error("processing a Stripe event failed", { eventId: event.id, type: event.type, error });
    // Recorded for the admin; an event that was processed before keeps its outcome (it must not run twice).
    await db
      .execute(sql`
        insert into stripe_events (id, type, stripe_created_at, livemode, outcome, detail)
        values (${event.id}, ${event.type}, ${created.toISOString()}::timestamptz, ${event.livemode}, 'failed', 'Processing failed; Stripe retries it.')
        on conflict (id) do update set received_at = now() where stripe_events.outcome = 'failed'
      `)
      .catch((e: unknown) => logger.error("could not record a failed Stripe event", { eventId: event.id, error: e }));
    throw error;
  }
  logger.info("stripe event", { eventId: event.id, type: event.type, outcome: result.outcome, duplicate: result.duplicate, organizationId: result.organizationId });
  if (!result.duplicate && result.outcome === "processed" && result.organizationId) {
    // Deliveries wait for the plan; a failure here is caught up by the periodic sweep, so Stripe still gets its 200.
    await resumePausedDeliveries({ orgId: result.organizationId }).catch((error: unknown) =>
      logger.error("resuming deliveries after a Stripe event failed", { organizationId: result.organizationId, error }),
    );
  }
  return result;
}
