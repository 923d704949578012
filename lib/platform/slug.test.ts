import { describe, expect, it } from "vitest";
import { slugFromName } from "./organizations";

describe("slugFromName", () => {
  it("makes a slug the admin form accepts from any name", () => {
    const valid = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
    for (const [name, slug] of [
      ["Initech", "initech"],
      ["Acme Verify, Inc.", "acme-verify-inc"],
      ["Café Zürich", "cafe-zurich"],
      ["  --Spaces--  ", "spaces"],
      ["株式会社", "org"],
      ["A", "org-a"],
      ["x".repeat(80), "x".repeat(40)],
      [`${"a".repeat(39)} b`, "a".repeat(39)],
    ] as const) {
      expect(slugFromName(name), name).toBe(slug);
      expect(slugFromName(name)).toMatch(valid);
      expect(slugFromName(name).length).toBeGreaterThanOrEqual(2);
    }
  });
});
