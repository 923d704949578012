import { describe, expect, it } from "vitest";
import { activeHref, NAV_ITEMS } from "./nav";

describe("activeHref", () => {
  it("lights the most specific entry", () => {
    expect(activeHref("/webhooks", NAV_ITEMS)).toBe("/webhooks");
    expect(activeHref("/webhooks/logs", NAV_ITEMS)).toBe("/webhooks/logs");
    expect(activeHref("/webhooks/ep_123", NAV_ITEMS)).toBe("/webhooks");
    expect(activeHref("/admin", NAV_ITEMS)).toBe("/admin");
  });

  it("does not light an entry that merely shares a prefix", () => {
    expect(activeHref("/webhooks-old", NAV_ITEMS)).toBeUndefined();
    expect(activeHref("/", NAV_ITEMS)).toBeUndefined();
  });

  it("marks Admin as admin-only and keeps Logs under Webhooks", () => {
    expect(NAV_ITEMS.find((i) => i.href === "/admin")?.adminOnly).toBe(true);
    expect(NAV_ITEMS.find((i) => i.href === "/webhooks")?.children?.map((c) => c.label)).toEqual(["Logs"]);
  });
});
