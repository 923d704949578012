import { describe, expect, it } from "vitest";
import { checkoutSessionParams } from "./checkout";

describe("checkoutSessionParams", () => {
  const base = { orgId: "org_aaaaaaaaaaaaaaaaaaaa", price: "price_ent", email: "owner@example.com", origin: "https://partners.example.com" };

  it("subscribes to the plan's price and names the organization three ways for the webhook to find", () => {
    expect(checkoutSessionParams({ ...base, customerId: null })).toEqual({
      mode: "subscription",
      line_items: [{ price: "price_ent", quantity: 1 }],
      client_reference_id: base.orgId,
      metadata: { organizationId: base.orgId },
      subscription_data: { metadata: { organizationId: base.orgId } },
      customer_email: "owner@example.com",
      success_url: "https://partners.example.com/billing?checkout=success",
      cancel_url: "https://partners.example.com/billing?checkout=cancelled",
      allow_promotion_codes: true,
    });
  });

  it("reuses the organization's Stripe customer when it has one, instead of an email", () => {
    const params = checkoutSessionParams({ ...base, customerId: "cus_123" });
    expect(params.customer).toBe("cus_123");
    expect(params).not.toHaveProperty("customer_email");
  });
});
