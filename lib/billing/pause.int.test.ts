import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

// Before any app module loads: Stripe is configured, and endpoints on 127.0.0.1 are this test's receiver.
vi.hoisted(() => {
  process.env.STRIPE_WEBHOOK_SECRET = "whsec_herald_integration_tests_only";
  process.env.STRIPE_PRICE_PLANS = "price_enterprise_test:enterprise,price_pro_test:pro";
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
});

const { createEndpointSchema, sendTestEventSchema } = await import("@/app/(portal)/webhooks/schemas");
const { sendTestEvent } = await import("@/lib/delivery/test-event");
const { closeDb, getDb } = await import("@/db");
const { getSessionContext } = await import("@/db/queries/users");
const { deliveries, deliveryAttempts, pausedDeliveries, webhookEndpoints, events } = await import("@/db/schema");
const { runAction } = await import("@/lib/action");
const { startReceiver } = await import("@/testing/https-receiver");
const { waitForDelivery } = await import("@/testing/delivery");
const t = await import("@/testing/stripe");
const { EVENT_CATALOG } = await import("@/lib/events/catalog");
const { createEndpoint } = await import("@/lib/endpoints/operations");
const { startDeliveryEngine, stopDeliveryEngine } = await import("@/lib/startup/engine");
const { publishEvent } = await import("@/lib/delivery/publish");
const { POST } = await import("@/app/api/webhooks/stripe/route");
const { OrgDeliveriesPaused } = await import("@/components/billing/org-deliveries-paused");
const { renderToStaticMarkup } = await import("react-dom/server");

/** The banner the Webhooks pages render for an organization ("" when there is none). */
async function banner(orgId: string): Promise<string> {
  const element = await OrgDeliveriesPaused({ orgId });
  return element ? renderToStaticMarkup(element) : "";
}

const { ENTERPRISE_PRICE, PRO_PRICE, checkoutSessionObject, createTestOrganization, invoiceObject, signedStripeRequest, stripeEvent, subscriptionObject } = t;

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
let receiver: Receiver;
const example = EVENT_CATALOG.find((e) => e.type === "credential.issued")!.example;

async function stripe(type: string, object: Record<string, unknown>) {
  const response = await POST(signedStripeRequest(stripeEvent(type, object)));
  const body = (await response.json()) as { outcome: string };
  expect(response.status).toBe(200);
  expect(body.outcome).toBe("processed");
}

async function until<T>(what: string, read: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function deliveryRow(id: string) {
  const db = await getDb();
  const [row] = await db.select().from(deliveries).where(eq(deliveries.id, id));
  return row!;
}

async function pausedRow(id: string) {
  const db = await getDb();
  const [row] = await db.select().from(pausedDeliveries).where(eq(pausedDeliveries.deliveryId, id));
  return row;
}

async function attemptsOf(id: string) {
  const db = await getDb();
  return db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, id)).orderBy(asc(deliveryAttempts.attemptNumber));
}

/** An Enterprise organization subscribed through Stripe, with one endpoint on the receiver. */
async function subscribedOrganization(path: string, endpoint: Record<string, unknown> = {}) {
  const created = await createTestOrganization("free");
  const ids = { orgId: created.org.id, customer: `cus_${path}${Date.now()}`, subscription: `sub_${path}${Date.now()}` };
  await stripe("checkout.session.completed", checkoutSessionObject({ id: `cs_${path}`, ...ids }));
  await stripe("customer.subscription.created", subscriptionObject({ id: ids.subscription, customer: ids.customer, price: ENTERPRISE_PRICE }));
  const ctx = (await getSessionContext({ userId: created.user.id, orgId: created.org.id }))!;
  expect(ctx.org.plan).toBe("enterprise");
  const result = await runAction(ctx, createEndpointSchema, createEndpoint, { url: `${receiver.url}/${path}`, eventTypes: ["credential.issued"], ...endpoint });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return {
    ...ids,
    ctx,
    endpointId: result.data.id,
    subscription_: (price: string, status = "active") => subscriptionObject({ id: ids.subscription, customer: ids.customer, price, status }),
    publish: async () => (await publishEvent(ids.orgId, "credential.issued", example, { endpointId: result.data.id })).deliveryIds[0]!,
  };
}

/** Asserts the delivery waits: parked, still pending, nothing sent, recorded or counted. */
async function expectPaused(deliveryId: string) {
  const paused = await until(`delivery ${deliveryId} to pause`, () => pausedRow(deliveryId));
  // Give a wrongly running engine the time to send anyway.
  await new Promise((r) => setTimeout(r, 300));
  const row = await deliveryRow(deliveryId);
  expect(row.status).toBe("pending");
  expect(row.attemptCount).toBe(0);
  expect(await attemptsOf(deliveryId)).toEqual([]);
  expect(receiver.requests.filter((r) => r.headers["webhook-id"] === row.eventId)).toEqual([]);
  return paused;
}

beforeAll(async () => {
  receiver = await startReceiver();
  await startDeliveryEngine({ pollMs: 20, leaseMs: 10_000 });
});

beforeEach(() => {
  receiver.reset();
});

afterAll(async () => {
  await stopDeliveryEngine();
  await receiver.close();
  await closeDb();
});

describe("deliveries follow the plan Stripe reports (embedded engine, real HTTPS receiver)", () => {
  it("a downgrade pauses new deliveries; an upgrade resumes them, sent once as attempt 1", async () => {
    const org = await subscribedOrganization("downgrade");
    const before = await org.publish();
    expect((await waitForDelivery(before)).status).toBe("succeeded");

    await stripe("customer.subscription.updated", org.subscription_(PRO_PRICE));
    const deliveryId = await org.publish();
    const paused = await expectPaused(deliveryId);
    expect(paused).toMatchObject({ attemptNumber: 1, chainIndex: 1, organizationId: org.orgId, endpointId: org.endpointId });
    expect(await banner(org.orgId)).toMatch(/Webhook deliveries are paused.*your organization is on Pro.*1 delivery is waiting\./s);

    await stripe("customer.subscription.updated", org.subscription_(ENTERPRISE_PRICE));
    const done = await waitForDelivery(deliveryId);
    expect(done.status).toBe("succeeded");
    expect((await attemptsOf(deliveryId)).map((a) => a.attemptNumber)).toEqual([1]);
    const sent = receiver.requests.filter((r) => r.headers["webhook-id"] === done.eventId);
    expect(sent).toHaveLength(1);
    expect(await pausedRow(deliveryId)).toBeUndefined();
    expect(await banner(org.orgId)).toBe("");
  });

  it("tells no one about a pause that holds nothing back: a free organization without endpoints sees no banner", async () => {
    const free = await createTestOrganization("free");
    expect(await banner(free.org.id)).toBe("");
  });

  it("past_due pauses (invoice.payment_failed) and a paid invoice resumes", async () => {
    const org = await subscribedOrganization("pastdue");
    await stripe("invoice.payment_failed", invoiceObject({ id: "in_pd_1", customer: org.customer, subscription: org.subscription }));
    const deliveryId = await org.publish();
    await expectPaused(deliveryId);
    // Send test event says why instead of starting a delivery that would only wait.
    const test = await runAction(org.ctx, sendTestEventSchema, sendTestEvent, { id: org.endpointId, type: "credential.issued" });
    expect(test.ok === false && test.error).toMatchObject({ code: "conflict:deliveries_paused", message: expect.stringMatching(/did not go through/) });
    await stripe("invoice.paid", invoiceObject({ id: "in_pd_2", customer: org.customer, subscription: org.subscription }));
    expect((await waitForDelivery(deliveryId)).status).toBe("succeeded");
  });

  it("a canceled subscription keeps the endpoint and its events, and deliveries wait for a new subscription", async () => {
    const org = await subscribedOrganization("canceled");
    await stripe("customer.subscription.deleted", org.subscription_(ENTERPRISE_PRICE, "canceled"));
    const deliveryId = await org.publish();
    await expectPaused(deliveryId);
    const db = await getDb();
    const [endpoint] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, org.endpointId));
    expect(endpoint).toMatchObject({ active: true, deletedAt: null });
    const row = await deliveryRow(deliveryId);
    expect(await db.select({ id: events.id }).from(events).where(eq(events.id, row.eventId))).toHaveLength(1);

    await stripe(
      "customer.subscription.created",
      subscriptionObject({ id: `${org.subscription}_2`, customer: org.customer, price: ENTERPRISE_PRICE, orgId: org.orgId }),
    );
    expect((await waitForDelivery(deliveryId)).status).toBe("succeeded");
  });

  it("a retry waiting when the plan lapses pauses at its attempt and, resumed, keeps the retries it had left", async () => {
    // One retry allowed: attempt 1 fails (asking for 2 s), attempt 2 is the last.
    const org = await subscribedOrganization("retry", { maxRetries: 1 });
    receiver.enqueue({ kind: "status", status: 503, headers: { "retry-after": "2" } }, { kind: "status", status: 500 });
    const deliveryId = await org.publish();
    await until("attempt 1", async () => (await attemptsOf(deliveryId)).length === 1);
    await stripe("customer.subscription.updated", org.subscription_(ENTERPRISE_PRICE, "past_due"));
    const paused = await until("the retry to pause", () => pausedRow(deliveryId), 10_000);
    expect(paused).toMatchObject({ attemptNumber: 2, chainIndex: 2 });
    expect((await deliveryRow(deliveryId)).status).toBe("pending");
    expect(await attemptsOf(deliveryId)).toHaveLength(1);

    await stripe("customer.subscription.updated", org.subscription_(ENTERPRISE_PRICE, "active"));
    const done = await waitForDelivery(deliveryId);
    // Attempt 2 was the chain's last: a resumed chain that forgot its place would have tried a third time.
    expect(done.status).toBe("failed");
    expect((await attemptsOf(deliveryId)).map((a) => [a.attemptNumber, a.responseStatus])).toEqual([
      [1, 503],
      [2, 500],
    ]);
  });
});
