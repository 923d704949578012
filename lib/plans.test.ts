import { describe, expect, it } from "vitest";
import { deliveryPause, planIncludesWebhooks } from "./plans";

describe("planIncludesWebhooks", () => {
  it("is Enterprise-only by default", () => {
    expect(planIncludesWebhooks("enterprise", "enterprise")).toBe(true);
    expect(planIncludesWebhooks("pro", "enterprise")).toBe(false);
    expect(planIncludesWebhooks("free", "enterprise")).toBe(false);
  });

  it("follows the configured plan, and 'none' opens it to all", () => {
    expect(planIncludesWebhooks("pro", "pro")).toBe(true);
    expect(planIncludesWebhooks("free", "pro")).toBe(false);
    expect(planIncludesWebhooks("free", "none")).toBe(true);
    expect(planIncludesWebhooks("free", "free")).toBe(true);
  });
});

describe("deliveryPause", () => {
  it("lets an Enterprise organization deliver while active, trialing, or without a Stripe subscription", () => {
    for (const status of ["active", "trialing", null] as const) {
      expect(deliveryPause({ plan: "enterprise", status }, "enterprise")).toBeNull();
    }
  });

  it("pauses a plan below the one with webhooks (a downgrade), saying to upgrade", () => {
    const pause = deliveryPause({ plan: "pro", status: "active" }, "enterprise");
    expect(pause?.reason).toBe("plan");
    expect(pause?.message).toMatch(/part of the Enterprise plan and your organization is on Pro/);
    expect(pause?.message).toMatch(/upgrade on the Billing page/);
  });

  it.each([
    ["past_due", /did not go through/],
    ["unpaid", /did not go through/],
    ["canceled", /was canceled/],
  ] as const)("pauses an Enterprise organization whose subscription is %s", (status, message) => {
    const pause = deliveryPause({ plan: "enterprise", status }, "enterprise");
    expect(pause?.reason).toBe(status);
    expect(pause?.message).toMatch(message);
    expect(pause?.message).toMatch(/nothing is lost/);
  });

  it("never pauses when webhooks are part of every plan", () => {
    expect(deliveryPause({ plan: "free", status: "canceled" }, "none")).toBeNull();
  });
});
