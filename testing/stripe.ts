import Stripe from "stripe";
import { getDb } from "@/db";
import { getSessionContext, type SessionContext } from "@/db/queries/users";
import { memberships, organizations, users, type Plan } from "@/db/schema";
import { newId } from "@/lib/ids";
import { prepareDatabase } from "@/lib/startup";

/** The signing secret the Stripe integration tests configure (STRIPE_WEBHOOK_SECRET). */
export const TEST_WEBHOOK_SECRET = "whsec_herald_integration_tests_only";
/** STRIPE_PRICE_PLANS for the tests: one price per paid plan. */
export const TEST_PRICE_PLANS = "price_enterprise_test:enterprise,price_pro_test:pro";
export const ENTERPRISE_PRICE = "price_enterprise_test";
export const PRO_PRICE = "price_pro_test";

/**
 * A fresh organization with one owner, for tests that change plans: the seeded demo organizations are shared with
 * other test files running at the same time, so billing tests never touch them.
 */
export async function createTestOrganization(plan: Plan = "free"): Promise<SessionContext> {
  // Demo data is seeded only into a database without organizations: seed first, or this one would prevent it (on
  // embedded PGlite each test file has a database of its own, and a file that signs in as the demo admin found none).
  await prepareDatabase();
  const db = await getDb();
  const orgId = newId("org");
  const userId = newId("usr");
  await db.insert(organizations).values({ id: orgId, slug: `billing-${orgId.slice(4, 14)}`, name: `Billing test ${orgId.slice(4, 10)}`, plan });
  await db.insert(users).values({ id: userId, email: `${userId}@billing.test`, name: "Billing Tester" });
  await db.insert(memberships).values({ userId, organizationId: orgId, role: "owner" });
  const ctx = await getSessionContext({ userId, orgId });
  if (!ctx) throw new Error("the test organization could not be read back");
  return ctx;
}

let clock = Math.floor(Date.now() / 1000) - 3600;

/** A Stripe event envelope as Stripe sends it; `created` increases by one second per call unless given. */
export function stripeEvent(type: string, object: Record<string, unknown>, options: { id?: string; created?: number } = {}) {
  clock += 1;
  return {
    id: options.id ?? newId("evt", 24),
    object: "event",
    api_version: "2026-10-28.endive",
    created: options.created ?? clock,
    livemode: false,
    type,
    data: { object },
  };
}

/** A subscription object (API 2025+ shape: the period end lives on the item). */
export function subscriptionObject(p: {
  id: string;
  customer: string;
  price: string;
  status?: string;
  orgId?: string;
  periodEnd?: number;
}) {
  return {
    id: p.id,
    object: "subscription",
    customer: p.customer,
    status: p.status ?? "active",
    metadata: p.orgId ? { organizationId: p.orgId } : {},
    items: {
      object: "list",
      data: [{ id: `si_${p.id.slice(4)}`, object: "subscription_item", price: { id: p.price, object: "price" }, current_period_end: p.periodEnd ?? 1_900_000_000 }],
    },
  };
}

export function invoiceObject(p: { id: string; customer: string; subscription: string; orgId?: string }) {
  return {
    id: p.id,
    object: "invoice",
    customer: p.customer,
    parent: {
      type: "subscription_details",
      subscription_details: { subscription: p.subscription, metadata: p.orgId ? { organizationId: p.orgId } : {} },
    },
  };
}

export function checkoutSessionObject(p: { id: string; orgId: string; customer: string; subscription: string }) {
  return {
    id: p.id,
    object: "checkout.session",
    mode: "subscription",
    client_reference_id: p.orgId,
    metadata: { organizationId: p.orgId },
    customer: p.customer,
    subscription: p.subscription,
  };
}

/**
 * A request to /api/webhooks/stripe signed exactly as Stripe signs, with the official package's test helper.
 * `timestamp` (seconds) backdates the signature; `secret` signs with another secret.
 */
export function signedStripeRequest(event: unknown, options: { secret?: string; timestamp?: number; body?: string; signature?: string | null } = {}) {
  const payload = options.body ?? JSON.stringify(event);
  const header =
    options.signature === undefined
      ? Stripe.webhooks.generateTestHeaderString({
          payload: JSON.stringify(event),
          secret: options.secret ?? TEST_WEBHOOK_SECRET,
          timestamp: options.timestamp,
        })
      : options.signature;
  return new Request("http://localhost/api/webhooks/stripe", {
    method: "POST",
    headers: { "content-type": "application/json", ...(header === null ? {} : { "stripe-signature": header }) },
    body: payload,
  });
}
