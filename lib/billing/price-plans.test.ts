import { describe, expect, it } from "vitest";
import { PLANS } from "@/db/schema/organizations";
import { parsePricePlans, PLAN_IDS, priceForPlan } from "./price-plans";

describe("parsePricePlans (STRIPE_PRICE_PLANS)", () => {
  it("reads price:plan pairs, ignoring spaces and empty entries", () => {
    const parsed = parsePricePlans(" price_123:enterprise, price_456:pro ,,price_789:enterprise");
    expect(parsed).toEqual({
      ok: true,
      plans: new Map([
        ["price_123", "enterprise"],
        ["price_456", "pro"],
        ["price_789", "enterprise"],
      ]),
    });
  });

  it("is an empty mapping when unset", () => {
    expect(parsePricePlans(undefined)).toEqual({ ok: true, plans: new Map() });
    expect(parsePricePlans("  ")).toEqual({ ok: true, plans: new Map() });
  });

  it.each([
    ["price_123", /is not price_id:plan/],
    ["price_123:enterprise:extra", /is not price_id:plan/],
    ["prod_123:enterprise", /not a Stripe price id/],
    ["price_123:platinum", /"platinum" \(for price_123\) is not a plan; use one of free, pro, enterprise/],
    ["price_123:pro,price_123:enterprise", /price_123 is mapped twice/],
  ])("refuses %s with a message naming the fault", (value, message) => {
    const parsed = parsePricePlans(value);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });

  it("knows the same plans as the database schema", () => {
    expect([...PLAN_IDS]).toEqual([...PLANS]);
  });
});

describe("priceForPlan", () => {
  it("gives the first price configured for a plan, or undefined", () => {
    const { plans } = parsePricePlans("price_a:pro,price_b:enterprise,price_c:enterprise") as { ok: true; plans: Map<string, "pro" | "enterprise"> };
    expect(priceForPlan(plans, "enterprise")).toBe("price_b");
    expect(priceForPlan(plans, "pro")).toBe("price_a");
    expect(priceForPlan(plans, "free")).toBeUndefined();
  });
});
