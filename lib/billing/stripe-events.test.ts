import { describe, expect, it } from "vitest";
import { planForPrices } from "./stripe-events";

describe("planForPrices", () => {
  const plans = new Map([
    ["price_pro", "pro"],
    ["price_ent", "enterprise"],
  ] as const);

  it("maps a subscription's price to its plan", () => {
    expect(planForPrices(["price_pro"], plans)).toBe("pro");
  });

  it("takes the highest plan when a subscription has several prices (e.g. an add-on)", () => {
    expect(planForPrices(["price_addon", "price_ent", "price_pro"], plans)).toBe("enterprise");
  });

  it("is undefined when no price is configured", () => {
    expect(planForPrices(["price_unknown"], plans)).toBeUndefined();
    expect(planForPrices([], plans)).toBeUndefined();
  });
});
