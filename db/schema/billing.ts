import { boolean, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { deliveries } from "./deliveries";
import { organizations } from "./organizations";
import { webhookEndpoints } from "./webhooks";

/** Stripe's subscription statuses as Herald keeps them (lib/billing/stripe-events.ts maps Stripe's other ones). */
export const SUBSCRIPTION_STATUSES = ["active", "trialing", "past_due", "canceled", "unpaid"] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
export const subscriptionStatusEnum = pgEnum("subscription_status", SUBSCRIPTION_STATUSES);

export const PLAN_SOURCES = ["stripe", "manual"] as const;
export type PlanSource = (typeof PLAN_SOURCES)[number];
export const planSourceEnum = pgEnum("plan_source", PLAN_SOURCES);

/**
 * An organization's subscription as Stripe (or a platform admin) last described it. The plan itself stays in
 * `organizations.plan`, which everything else reads; this row says where it came from and whether it is paid.
 * Created on the first Stripe event or manual change: an organization without a row is on its plan, unpaid-for
 * by nobody (the seeded demo organizations, self-hosted installs without Stripe).
 */
export const organizationBilling = pgTable(
  "organization_billing",
  {
    organizationId: text("organization_id")
      .primaryKey()
      .references(() => organizations.id, { onDelete: "cascade" }),
    stripeCustomerId: text("stripe_customer_id"),
    stripeSubscriptionId: text("stripe_subscription_id"),
    stripePriceId: text("stripe_price_id"),
    /** Null when no subscription was ever seen (a plan set by hand is "active"). */
    status: subscriptionStatusEnum("status"),
    currentPeriodEnd: timestamp("current_period_end", { withTimezone: true }),
    paymentFailed: boolean("payment_failed").notNull().default(false),
    planSource: planSourceEnum("plan_source"),
    /** Who set the plan by hand (email), and when; null when Stripe set it. */
    planSetBy: text("plan_set_by"),
    planSetAt: timestamp("plan_set_at", { withTimezone: true }),
    /**
     * `created` of the newest subscription event (or manual change) applied: an older event never overwrites newer
     * state. Invoices keep their own clock, so a late invoice cannot hide a plan change (see stripe-events.ts).
     */
    subscriptionEventAt: timestamp("subscription_event_at", { withTimezone: true }),
    invoiceEventAt: timestamp("invoice_event_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("organization_billing_customer_key").on(t.stripeCustomerId), index("organization_billing_subscription_idx").on(t.stripeSubscriptionId)],
);

export const STRIPE_EVENT_OUTCOMES = ["processed", "ignored", "stale", "unmatched", "invalid", "failed"] as const;
export type StripeEventOutcome = (typeof STRIPE_EVENT_OUTCOMES)[number];
export const stripeEventOutcomeEnum = pgEnum("stripe_event_outcome", STRIPE_EVENT_OUTCOMES);

/**
 * Every Stripe event received with a valid signature: the id makes processing idempotent (a replay finds its row
 * and changes nothing), and admins read what arrived and what it did. Only a `failed` event is processed again.
 */
export const stripeEvents = pgTable(
  "stripe_events",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    /** The event's own `created`, which orders events. */
    stripeCreatedAt: timestamp("stripe_created_at", { withTimezone: true }).notNull(),
    livemode: boolean("livemode").notNull().default(false),
    organizationId: text("organization_id").references(() => organizations.id, { onDelete: "set null" }),
    outcome: stripeEventOutcomeEnum("outcome").notNull(),
    /** Why, in a sentence, for the admin (never a stack trace). */
    detail: text("detail"),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("stripe_events_received_idx").on(t.receivedAt), index("stripe_events_org_idx").on(t.organizationId, t.receivedAt)],
);

/**
 * Deliveries parked because their organization's plan does not allow deliveries right now (downgraded, past due,
 * canceled). The delivery stays `pending` and nothing is sent or counted; when the organization may deliver again
 * a new run starts at the same attempt and with the same retry budget (lib/delivery/pause.ts).
 */
export const pausedDeliveries = pgTable(
  "paused_deliveries",
  {
    deliveryId: text("delivery_id")
      .primaryKey()
      .references(() => deliveries.id, { onDelete: "cascade" }),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    /** The attempt that was not sent, and its place in its chain (which decides the retries left). */
    attemptNumber: integer("attempt_number").notNull(),
    chainIndex: integer("chain_index").notNull(),
    pausedAt: timestamp("paused_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("paused_deliveries_org_idx").on(t.organizationId, t.pausedAt)],
);

export type OrganizationBilling = typeof organizationBilling.$inferSelect;
export type StripeEventRow = typeof stripeEvents.$inferSelect;
