import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Before any app module loads: lib/env.ts reads these once.
vi.hoisted(() => {
  process.env.STRIPE_WEBHOOK_SECRET = "whsec_herald_integration_tests_only";
  process.env.STRIPE_PRICE_PLANS = "price_enterprise_test:enterprise,price_pro_test:pro";
});

const { closeDb, getDb } = await import("@/db");
const { organizationBilling, organizations, stripeEvents } = await import("@/db/schema");
const { getBillingState } = await import("@/db/queries/billing");
const t = await import("@/testing/stripe");
const { POST } = await import("./route");

const { ENTERPRISE_PRICE, PRO_PRICE, checkoutSessionObject, createTestOrganization, invoiceObject, signedStripeRequest, stripeEvent, subscriptionObject } = t;

async function send(event: unknown, options: Parameters<typeof signedStripeRequest>[1] = {}) {
  const response = await POST(signedStripeRequest(event, options));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & { outcome?: string; duplicate?: boolean } };
}

async function stored(eventId: string) {
  const db = await getDb();
  const [row] = await db.select().from(stripeEvents).where(eq(stripeEvents.id, eventId));
  return row;
}

/** Everything a forged or replayed call could change: the plan and the whole billing row. */
async function snapshot(orgId: string) {
  const db = await getDb();
  const [org] = await db.select({ plan: organizations.plan }).from(organizations).where(eq(organizations.id, orgId));
  const [billing] = await db.select().from(organizationBilling).where(eq(organizationBilling.organizationId, orgId));
  return { plan: org?.plan, billing: billing ?? null };
}

let n = 0;
/** An organization with its own Stripe customer and subscription ids. */
async function customer(plan: "free" | "enterprise" = "free") {
  n += 1;
  const ctx = await createTestOrganization(plan);
  return { ctx, orgId: ctx.org.id, customer: `cus_test${n}${Date.now()}`, subscription: `sub_test${n}${Date.now()}` };
}

/** Subscribes an organization to a price through Stripe's events: the Checkout session, then the subscription. */
async function subscribe(c: { orgId: string; customer: string; subscription: string }, price = ENTERPRISE_PRICE) {
  const checkout = stripeEvent("checkout.session.completed", checkoutSessionObject({ id: `cs_${c.subscription}`, ...c }));
  expect((await send(checkout)).body.outcome).toBe("processed");
  const created = stripeEvent("customer.subscription.created", subscriptionObject({ id: c.subscription, customer: c.customer, price, orgId: c.orgId }));
  expect((await send(created)).body.outcome).toBe("processed");
}

afterAll(async () => {
  await closeDb();
});

describe("POST /api/webhooks/stripe: each event type", () => {
  let c: Awaited<ReturnType<typeof customer>>;
  beforeAll(async () => {
    c = await customer();
  });

  it("checkout.session.completed links the customer and subscription to the organization in client_reference_id", async () => {
    const event = stripeEvent("checkout.session.completed", checkoutSessionObject({ id: "cs_test_1", ...c }));
    const { status, body } = await send(event);
    expect(status).toBe(200);
    expect(body).toEqual({ received: true, outcome: "processed", duplicate: false });
    const state = await getBillingState({ orgId: c.orgId });
    expect(state).toMatchObject({ plan: "free", stripeCustomerId: c.customer, stripeSubscriptionId: c.subscription, status: null });
    expect(await stored(event.id)).toMatchObject({ type: "checkout.session.completed", outcome: "processed", organizationId: c.orgId });
  });

  it("customer.subscription.created sets the plan from the price, the status and the period end", async () => {
    const event = stripeEvent(
      "customer.subscription.created",
      subscriptionObject({ id: c.subscription, customer: c.customer, price: ENTERPRISE_PRICE, status: "trialing", periodEnd: 1_900_000_000 }),
    );
    expect((await send(event)).body.outcome).toBe("processed");
    expect(await getBillingState({ orgId: c.orgId })).toMatchObject({
      plan: "enterprise",
      status: "trialing",
      currentPeriodEnd: new Date(1_900_000_000 * 1000),
      paymentFailed: false,
      planSource: "stripe",
    });
  });

  it("customer.subscription.updated changes plan and status (a downgrade to Pro)", async () => {
    const event = stripeEvent(
      "customer.subscription.updated",
      subscriptionObject({ id: c.subscription, customer: c.customer, price: PRO_PRICE, status: "active", periodEnd: 1_900_100_000 }),
    );
    expect((await send(event)).body.outcome).toBe("processed");
    expect(await getBillingState({ orgId: c.orgId })).toMatchObject({ plan: "pro", status: "active", currentPeriodEnd: new Date(1_900_100_000 * 1000) });
  });

  it("invoice.payment_failed raises the payment-failed flag and makes an active subscription past_due", async () => {
    await send(stripeEvent("customer.subscription.updated", subscriptionObject({ id: c.subscription, customer: c.customer, price: ENTERPRISE_PRICE })));
    const event = stripeEvent("invoice.payment_failed", invoiceObject({ id: "in_failed_1", customer: c.customer, subscription: c.subscription }));
    expect((await send(event)).body.outcome).toBe("processed");
    expect(await getBillingState({ orgId: c.orgId })).toMatchObject({ plan: "enterprise", status: "past_due", paymentFailed: true });
  });

  it("invoice.paid clears the flag and makes a past_due subscription active again", async () => {
    const event = stripeEvent("invoice.paid", invoiceObject({ id: "in_paid_1", customer: c.customer, subscription: c.subscription }));
    expect((await send(event)).body.outcome).toBe("processed");
    expect(await getBillingState({ orgId: c.orgId })).toMatchObject({ plan: "enterprise", status: "active", paymentFailed: false });
  });

  it("customer.subscription.updated with status unpaid, then past_due, is kept as such with the flag", async () => {
    await send(stripeEvent("customer.subscription.updated", subscriptionObject({ id: c.subscription, customer: c.customer, price: ENTERPRISE_PRICE, status: "unpaid" })));
    expect(await getBillingState({ orgId: c.orgId })).toMatchObject({ status: "unpaid", paymentFailed: true });
    await send(stripeEvent("customer.subscription.updated", subscriptionObject({ id: c.subscription, customer: c.customer, price: ENTERPRISE_PRICE, status: "past_due" })));
    expect(await getBillingState({ orgId: c.orgId })).toMatchObject({ status: "past_due", paymentFailed: true });
  });

  it("customer.subscription.deleted cancels: the plan stays, the status is canceled", async () => {
    const event = stripeEvent(
      "customer.subscription.deleted",
      subscriptionObject({ id: c.subscription, customer: c.customer, price: ENTERPRISE_PRICE, status: "canceled" }),
    );
    expect((await send(event)).body.outcome).toBe("processed");
    expect(await getBillingState({ orgId: c.orgId })).toMatchObject({ plan: "enterprise", status: "canceled" });
  });

  it("finds the organization by customer when the subscription carries no metadata", async () => {
    const other = await customer();
    await send(stripeEvent("checkout.session.completed", checkoutSessionObject({ id: "cs_test_other", ...other })));
    // No orgId in metadata: the customer linked by the Checkout session decides.
    await send(stripeEvent("customer.subscription.created", subscriptionObject({ id: other.subscription, customer: other.customer, price: PRO_PRICE })));
    expect((await getBillingState({ orgId: other.orgId }))?.plan).toBe("pro");
  });

  it("answers 200 and ignores other event types, recording them", async () => {
    const event = stripeEvent("customer.created", { id: "cus_ignored", object: "customer" });
    const { status, body } = await send(event);
    expect(status).toBe(200);
    expect(body.outcome).toBe("ignored");
    expect(await stored(event.id)).toMatchObject({ type: "customer.created", outcome: "ignored", organizationId: null });
  });

  it("records an event about an unknown customer as unmatched and changes nothing", async () => {
    const event = stripeEvent("customer.subscription.updated", subscriptionObject({ id: "sub_nobody", customer: "cus_nobody", price: ENTERPRISE_PRICE }));
    const { status, body } = await send(event);
    expect(status).toBe(200);
    expect(body.outcome).toBe("unmatched");
    const db = await getDb();
    expect(await db.select().from(organizationBilling).where(eq(organizationBilling.stripeCustomerId, "cus_nobody"))).toEqual([]);
  });

  it("keeps the plan when the price is not in STRIPE_PRICE_PLANS, and says so", async () => {
    const other = await customer("enterprise");
    await subscribe(other);
    const event = stripeEvent("customer.subscription.updated", subscriptionObject({ id: other.subscription, customer: other.customer, price: "price_unknown" }));
    await send(event);
    expect((await getBillingState({ orgId: other.orgId }))?.plan).toBe("enterprise");
    expect((await stored(event.id))?.detail).toMatch(/price_unknown is not in STRIPE_PRICE_PLANS/);
  });
});

describe("POST /api/webhooks/stripe: forged, stale and replayed calls change nothing", () => {
  let c: Awaited<ReturnType<typeof customer>>;
  beforeAll(async () => {
    c = await customer();
    await subscribe(c);
  });

  const downgrade = () =>
    stripeEvent("customer.subscription.updated", subscriptionObject({ id: c.subscription, customer: c.customer, price: PRO_PRICE, status: "canceled" }));

  it.each([
    ["signed with another secret", { secret: "whsec_someone_else" }],
    ["with no signature", { signature: null }],
    ["with a garbage signature", { signature: "t=123,v1=deadbeef" }],
    ["signed more than 5 minutes ago (stale timestamp)", { timestamp: Math.floor(Date.now() / 1000) - 600 }],
  ] as const)("refuses a call %s with 400", async (_name, options) => {
    const before = await snapshot(c.orgId);
    const event = downgrade();
    const { status } = await send(event, options);
    expect(status).toBe(400);
    expect(await snapshot(c.orgId)).toEqual(before);
    expect(await stored(event.id)).toBeUndefined();
  });

  it("refuses a body changed after signing", async () => {
    const before = await snapshot(c.orgId);
    const event = downgrade();
    const tampered = JSON.stringify({ ...event, data: { object: { ...event.data.object, status: "active" } } });
    const { status } = await send(event, { body: tampered });
    expect(status).toBe(400);
    expect(await snapshot(c.orgId)).toEqual(before);
  });

  it("processes an event id once: a replay answers 200 as a duplicate and changes nothing", async () => {
    const pastDue = stripeEvent(
      "customer.subscription.updated",
      subscriptionObject({ id: c.subscription, customer: c.customer, price: PRO_PRICE, status: "past_due" }),
    );
    expect((await send(pastDue)).body).toMatchObject({ outcome: "processed", duplicate: false });
    const first = await stored(pastDue.id);
    // Something else moves the state on without a newer event (the ordering clock stays where this event put it), so
    // only the event-id check can stop a replay from applying the event again.
    const db = await getDb();
    await db.update(organizationBilling).set({ status: "active", paymentFailed: false }).where(eq(organizationBilling.organizationId, c.orgId));
    const before = await snapshot(c.orgId);
    // The same event again, freshly signed (Stripe's own retry, or an attacker replaying a captured call).
    const replay = await send(pastDue);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ duplicate: true });
    expect(await snapshot(c.orgId)).toEqual(before);
    expect(await stored(pastDue.id)).toEqual(first);
    expect(await db.select().from(stripeEvents).where(eq(stripeEvents.id, pastDue.id))).toHaveLength(1);
  });

  it("keeps the newest state when updates arrive out of order", async () => {
    const base = Math.floor(Date.now() / 1000);
    const older = stripeEvent(
      "customer.subscription.updated",
      subscriptionObject({ id: c.subscription, customer: c.customer, price: ENTERPRISE_PRICE, status: "active", periodEnd: 1_950_000_000 }),
      { created: base + 100 },
    );
    const newer = stripeEvent(
      "customer.subscription.updated",
      subscriptionObject({ id: c.subscription, customer: c.customer, price: PRO_PRICE, status: "past_due", periodEnd: 1_960_000_000 }),
      { created: base + 200 },
    );
    expect((await send(newer)).body.outcome).toBe("processed");
    const after = await snapshot(c.orgId);
    expect((await send(older)).body.outcome).toBe("stale");
    expect(await snapshot(c.orgId)).toEqual(after);
    expect(after).toMatchObject({ plan: "pro", billing: { status: "past_due", currentPeriodEnd: new Date(1_960_000_000 * 1000) } });
    // An older invoice cannot undo a newer one either.
    const failed = stripeEvent("invoice.payment_failed", invoiceObject({ id: "in_old", customer: c.customer, subscription: c.subscription }), { created: base + 300 });
    const paid = stripeEvent("invoice.paid", invoiceObject({ id: "in_new", customer: c.customer, subscription: c.subscription }), { created: base + 400 });
    await send(paid);
    expect((await send(failed)).body.outcome).toBe("stale");
    expect(await getBillingState({ orgId: c.orgId })).toMatchObject({ paymentFailed: false, status: "active" });
  });

  it("an old subscription ending does not cancel the one that replaced it", async () => {
    const now = Math.floor(Date.now() / 1000) + 1000;
    await send(
      stripeEvent("customer.subscription.created", subscriptionObject({ id: `${c.subscription}_new`, customer: c.customer, price: ENTERPRISE_PRICE }), {
        created: now,
      }),
    );
    const oldEnds = stripeEvent(
      "customer.subscription.deleted",
      subscriptionObject({ id: c.subscription, customer: c.customer, price: PRO_PRICE, status: "canceled" }),
      { created: now + 1 },
    );
    expect((await send(oldEnds)).body.outcome).toBe("ignored");
    expect(await getBillingState({ orgId: c.orgId })).toMatchObject({ plan: "enterprise", status: "active", stripeSubscriptionId: `${c.subscription}_new` });
  });

  it("refuses a signed body that is not an event with 400", async () => {
    const { status } = await send({ hello: "world" });
    expect(status).toBe(400);
  });
});
