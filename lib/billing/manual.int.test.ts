import { eq, like } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.STRIPE_WEBHOOK_SECRET = "whsec_herald_integration_tests_only";
  process.env.STRIPE_PRICE_PLANS = "price_enterprise_test:enterprise,price_pro_test:pro";
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
});

const { createEndpointSchema } = await import("@/app/(portal)/webhooks/schemas");
const { setPlanSchema } = await import("@/app/(portal)/admin/schemas");
const { POST } = await import("@/app/api/webhooks/stripe/route");
const { closeDb, getDb } = await import("@/db");
const { getBillingState } = await import("@/db/queries/billing");
const { organizationBilling, pausedDeliveries, workflowRuns } = await import("@/db/schema");
const { runAction } = await import("@/lib/action");
const { sessionContextFor } = await import("@/testing/session");
const { createTestOrganization, signedStripeRequest, stripeEvent, subscriptionObject, ENTERPRISE_PRICE } = await import("@/testing/stripe");
const { EVENT_CATALOG } = await import("@/lib/events/catalog");
const { createEndpoint } = await import("@/lib/endpoints/operations");
const { performAttempt } = await import("@/lib/delivery/attempt");
const { publishEvent } = await import("@/lib/delivery/publish");
const { setPlanManually } = await import("./manual");

afterAll(async () => {
  await closeDb();
});

const setPlan = async (email: string, input: unknown) => runAction(await sessionContextFor(email), setPlanSchema, setPlanManually, input);

describe("a platform admin sets a plan by hand", () => {
  it("changes the plan, marks it active and records who and when", async () => {
    const org = await createTestOrganization("free");
    const before = Date.now();
    const result = await setPlan("admin@example.com", { organizationId: org.org.id, plan: "enterprise" });
    expect(result).toEqual({ ok: true, data: { organizationId: org.org.id, plan: "enterprise" } });
    const state = await getBillingState({ orgId: org.org.id });
    expect(state).toMatchObject({ plan: "enterprise", status: "active", paymentFailed: false, planSource: "manual", planSetBy: "admin@example.com" });
    expect(state!.planSetAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it("is refused to partners as not found, and changes nothing", async () => {
    const org = await createTestOrganization("free");
    const result = await setPlan("partner@example.com", { organizationId: org.org.id, plan: "enterprise" });
    expect(result.ok === false && result.error.code).toBe("not_found:organization");
    expect((await getBillingState({ orgId: org.org.id }))?.plan).toBe("free");
  });

  it("validates the input with messages", async () => {
    const bad = await setPlan("admin@example.com", { organizationId: "nope", plan: "platinum" });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.fieldErrors?.organizationId?.[0]).toBe("That organization does not exist.");
      expect(bad.error.fieldErrors?.plan?.[0]).toBe("Choose Free, Pro or Enterprise.");
    }
    const unknown = await setPlan("admin@example.com", { organizationId: "org_00000000000000000000", plan: "pro" });
    expect(unknown.ok === false && unknown.error.code).toBe("not_found:organization");
  });

  it("resumes deliveries the old state paused, and an older Stripe event cannot undo it", async () => {
    const org = await createTestOrganization("enterprise");
    const db = await getDb();
    await db.insert(organizationBilling).values({ organizationId: org.org.id, status: "canceled", stripeCustomerId: `cus_m${org.org.id}`, stripeSubscriptionId: "sub_old" });
    const endpoint = await runAction(org, createEndpointSchema, createEndpoint, { url: "https://127.0.0.1:9/manual" });
    if (!endpoint.ok) throw new Error(endpoint.error.message);
    const example = EVENT_CATALOG.find((e) => e.type === "credential.issued")!.example;
    const deliveryId = (await publishEvent(org.org.id, "credential.issued", example, { endpointId: endpoint.data.id })).deliveryIds[0]!;
    // The attempt step itself, as either engine runs it: it parks the delivery instead of sending.
    expect(await performAttempt({ deliveryId, attemptNumber: 1, chainIndex: 1 })).toEqual({ outcome: "paused" });
    expect(await db.select().from(pausedDeliveries).where(eq(pausedDeliveries.deliveryId, deliveryId))).toHaveLength(1);

    const result = await setPlan("admin@example.com", { organizationId: org.org.id, plan: "enterprise" });
    expect(result.ok).toBe(true);
    expect(await db.select().from(pausedDeliveries).where(eq(pausedDeliveries.deliveryId, deliveryId))).toEqual([]);
    const runs = await db.select().from(workflowRuns).where(like(workflowRuns.id, `${deliveryId}:1:r%`));
    expect(runs).toHaveLength(1);
    expect(runs[0]!.input).toMatchObject({ deliveryId, firstAttempt: 1, firstChainIndex: 1 });

    const older = stripeEvent(
      "customer.subscription.updated",
      subscriptionObject({ id: "sub_old", customer: `cus_m${org.org.id}`, price: ENTERPRISE_PRICE, status: "canceled" }),
      { created: Math.floor(Date.now() / 1000) - 60 },
    );
    const response = await POST(signedStripeRequest(older));
    expect(((await response.json()) as { outcome: string }).outcome).toBe("stale");
    expect((await getBillingState({ orgId: org.org.id }))?.status).toBe("active");
  });
});
