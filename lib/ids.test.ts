import { describe, expect, it } from "vitest";
import { newId } from "./ids";

describe("newId", () => {
  it("prefixes a lower-case base36 body of the asked length", () => {
    expect(newId("org")).toMatch(/^org_[0-9a-z]{20}$/);
    expect(newId("usr", 8)).toMatch(/^usr_[0-9a-z]{8}$/);
  });

  it("does not repeat across many draws", () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId("x")));
    expect(ids.size).toBe(10_000);
  });
});
