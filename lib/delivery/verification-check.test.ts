import { describe, expect, it } from "vitest";
import { responseExcerpt } from "./verification-check";

describe("responseExcerpt", () => {
  it("keeps the first 300 characters", () => {
    expect(responseExcerpt("a".repeat(1000))).toHaveLength(300);
    expect(responseExcerpt("short")).toBe("short");
  });

  it("never ends inside a surrogate pair, and drops NUL (PostgreSQL's jsonb refuses both)", () => {
    const body = `${"a".repeat(299)}🚀 after`;
    const excerpt = responseExcerpt(body);
    expect(excerpt).toBe("a".repeat(299));
    expect(() => JSON.parse(JSON.stringify(excerpt))).not.toThrow();
    expect(/[\ud800-\udbff]$/.test(body.slice(0, 300))).toBe(true);
    expect(responseExcerpt("a\u0000b")).toBe("ab");
  });
});
