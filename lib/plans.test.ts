import { describe, expect, it } from "vitest";
import { planIncludesWebhooks } from "./plans";

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
