import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limit";

describe("RateLimiter", () => {
  it("allows a burst up to the limit, then refuses with a Retry-After, then refills over time", () => {
    let now = 0;
    const limiter = new RateLimiter(5, () => now);
    const decisions = Array.from({ length: 6 }, () => limiter.take("key_a"));
    expect(decisions.slice(0, 5).every((d) => d.allowed)).toBe(true);
    expect(decisions[5]).toEqual({ allowed: false, retryAfterSeconds: 1, remaining: 0 });
    now += 200; // one token back at 5/s
    expect(limiter.take("key_a").allowed).toBe(true);
    expect(limiter.take("key_a").allowed).toBe(false);
  });

  it("keeps keys apart", () => {
    const limiter = new RateLimiter(1, () => 0);
    expect(limiter.take("key_a").allowed).toBe(true);
    expect(limiter.take("key_a").allowed).toBe(false);
    expect(limiter.take("key_b").allowed).toBe(true);
  });

  it("turns off at 0", () => {
    const limiter = new RateLimiter(0, () => 0);
    for (let i = 0; i < 1000; i++) expect(limiter.take("key_a").allowed).toBe(true);
  });
});
