import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

// Before any app module loads: prices are mapped, but no STRIPE_SECRET_KEY (the tests hand in their own client).
vi.hoisted(() => {
  process.env.STRIPE_PRICE_PLANS = "price_enterprise_test:enterprise,price_pro_test:pro";
  delete process.env.STRIPE_SECRET_KEY;
});

const { closeDb, getDb } = await import("@/db");
const { organizationBilling, memberships } = await import("@/db/schema");
const { getSessionContext } = await import("@/db/queries/users");
const { runAction } = await import("@/lib/action");
const { startCheckoutSchema, openPortalSchema } = await import("@/app/(portal)/billing/schemas");
const { openCustomerPortal, startCheckout } = await import("./checkout");
const { createTestOrganization } = await import("@/testing/stripe");

/** A stand-in for api.stripe.com on localhost: the real `stripe` client talks to it, no request leaves the machine. */
interface Recorded {
  method: string;
  path: string;
  form: URLSearchParams;
  authorization: string | undefined;
}
let server: Server;
let recorded: Recorded[] = [];
let failNext = false;
let stripe: Stripe;

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = "";
    req.on("data", (c: Buffer) => (data += c.toString()));
    req.on("end", () => resolve(data));
  });
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const form = new URLSearchParams(await body(req));
    recorded.push({ method: req.method ?? "", path: req.url ?? "", form, authorization: req.headers.authorization });
    res.setHeader("content-type", "application/json");
    if (failNext) {
      failNext = false;
      res.statusCode = 400;
      res.end(JSON.stringify({ error: { type: "invalid_request_error", message: "No such price: 'price_enterprise_test'" } }));
      return;
    }
    if (req.url === "/v1/checkout/sessions") {
      res.end(JSON.stringify({ id: "cs_test_fake", object: "checkout.session", url: "https://checkout.stripe.com/c/pay/cs_test_fake" }));
    } else if (req.url === "/v1/billing_portal/sessions") {
      res.end(JSON.stringify({ id: "bps_fake", object: "billing_portal.session", url: "https://billing.stripe.com/p/session/fake" }));
    } else {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: { type: "invalid_request_error", message: "unknown" } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  stripe = new Stripe("sk_test_fake_for_tests", { host: "127.0.0.1", port, protocol: "http", maxNetworkRetries: 0 });
});

beforeEach(() => {
  recorded = [];
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await closeDb();
});

const origin = "https://partners.example.com";
/** `client: null` runs without a client, as a server without STRIPE_SECRET_KEY does. */
const checkout = (ctx: Awaited<ReturnType<typeof createTestOrganization>>, input: unknown, client: Stripe | null = stripe) =>
  runAction(ctx, startCheckoutSchema, (i, c) => startCheckout(i, c, { origin, stripe: client ?? undefined }), input);
const portal = (ctx: Awaited<ReturnType<typeof createTestOrganization>>, client: Stripe | null = stripe) =>
  runAction(ctx, openPortalSchema, (i, c) => openCustomerPortal(i, c, { origin, stripe: client ?? undefined }), {});

describe("Upgrade: a Stripe Checkout session (against a local stand-in for Stripe's API)", () => {
  it("creates a subscription session for the plan's configured price, naming the organization, and answers its URL", async () => {
    const ctx = await createTestOrganization("free");
    const result = await checkout(ctx, { plan: "enterprise" });
    expect(result).toEqual({ ok: true, data: { url: "https://checkout.stripe.com/c/pay/cs_test_fake" } });
    expect(recorded).toHaveLength(1);
    const [call] = recorded;
    expect(call).toMatchObject({ method: "POST", path: "/v1/checkout/sessions", authorization: "Bearer sk_test_fake_for_tests" });
    const form = Object.fromEntries(call!.form);
    expect(form).toMatchObject({
      mode: "subscription",
      "line_items[0][price]": "price_enterprise_test",
      "line_items[0][quantity]": "1",
      client_reference_id: ctx.org.id,
      "metadata[organizationId]": ctx.org.id,
      "subscription_data[metadata][organizationId]": ctx.org.id,
      customer_email: ctx.user.email,
      success_url: `${origin}/billing?checkout=success`,
      cancel_url: `${origin}/billing?checkout=cancelled`,
    });
  });

  it("validates the plan: free or unknown plans are refused before Stripe is called", async () => {
    const ctx = await createTestOrganization("free");
    for (const plan of ["free", "platinum", undefined]) {
      const result = await checkout(ctx, { plan });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.fieldErrors?.plan?.[0]).toBe("Choose the Pro or Enterprise plan.");
    }
    expect(recorded).toEqual([]);
  });

  it("refuses members (owners only), an organization that already has a live subscription, and a missing secret key", async () => {
    const ctx = await createTestOrganization("free");
    const db = await getDb();
    await db.update(memberships).set({ role: "member" }).where(eq(memberships.userId, ctx.user.id));
    const member = (await getSessionContext({ userId: ctx.user.id, orgId: ctx.org.id }))!;
    const asMember = await checkout(member, { plan: "enterprise" });
    expect(asMember.ok === false && asMember.error.code).toBe("forbidden:billing");

    const subscribed = await createTestOrganization("pro");
    await db.insert(organizationBilling).values({ organizationId: subscribed.org.id, stripeCustomerId: `cus_${subscribed.org.id}`, stripeSubscriptionId: "sub_live", status: "active" });
    const again = await checkout(subscribed, { plan: "enterprise" });
    expect(again.ok === false && again.error.message).toMatch(/already has a subscription: change its plan with Manage billing/);

    const unconfigured = await checkout(ctx, { plan: "enterprise" }, null);
    expect(unconfigured.ok === false && unconfigured.error.message).toMatch(/Online billing is not configured/);
    expect(recorded).toEqual([]);
  });

  it("turns Stripe's own error into a message without its details", async () => {
    const ctx = await createTestOrganization("free");
    failNext = true;
    const result = await checkout(ctx, { plan: "pro" });
    expect(result).toEqual({ ok: false, error: { code: "internal:stripe", message: "Stripe could not start the checkout. Please try again in a moment." } });
  });
});

describe("Manage billing: the Stripe customer portal", () => {
  it("opens the portal for the organization's customer, returning to Billing", async () => {
    const ctx = await createTestOrganization("enterprise");
    const db = await getDb();
    await db.insert(organizationBilling).values({ organizationId: ctx.org.id, stripeCustomerId: `cus_p${ctx.org.id}`, status: "active" });
    const result = await portal(ctx);
    expect(result).toEqual({ ok: true, data: { url: "https://billing.stripe.com/p/session/fake" } });
    expect(recorded[0]?.path).toBe("/v1/billing_portal/sessions");
    expect(Object.fromEntries(recorded[0]!.form)).toEqual({ customer: `cus_p${ctx.org.id}`, return_url: `${origin}/billing` });
  });

  it("says to choose a plan first when the organization has no Stripe customer", async () => {
    const ctx = await createTestOrganization("free");
    const result = await portal(ctx);
    expect(result.ok === false && result.error.message).toMatch(/no Stripe subscription to manage yet/);
    expect(recorded).toEqual([]);
  });
});
