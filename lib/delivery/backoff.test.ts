import { describe, expect, it } from "vitest";
import { MAX_BACKOFF_MS, parseRetryAfter, retryDelayMs } from "./backoff";

const BASE = 30_000;

describe("retryDelayMs", () => {
  it("follows 30 s x 4^(n-1) without jitter at the midpoint", () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, BASE, mid))).toEqual([30_000, 120_000, 480_000, 1_920_000, 7_680_000]);
  });

  it("caps at 12 hours", () => {
    expect(retryDelayMs(6, BASE, () => 0.5)).toBe(30_720_000);
    expect(retryDelayMs(7, BASE, () => 0.5)).toBe(MAX_BACKOFF_MS);
    expect(retryDelayMs(10, BASE, () => 1)).toBe(MAX_BACKOFF_MS);
  });

  it("stays within +/-20%", () => {
    expect(retryDelayMs(1, BASE, () => 0)).toBe(24_000);
    expect(retryDelayMs(1, BASE, () => 1)).toBe(36_000);
    for (let i = 0; i < 1000; i += 1) {
      const d = retryDelayMs(2, BASE);
      expect(d).toBeGreaterThanOrEqual(96_000);
      expect(d).toBeLessThanOrEqual(144_000);
    }
  });

  it("scales with a small base for tests", () => {
    expect(retryDelayMs(3, 10, () => 0.5)).toBe(160);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-11-22T12:00:00Z");
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Sun, 22 Nov 2026 12:05:00 GMT", now)).toBe(300_000);
  });

  it("caps at 12 hours and ignores junk or the past", () => {
    expect(parseRetryAfter("999999", now)).toBe(MAX_BACKOFF_MS);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("Sun, 22 Nov 2026 11:00:00 GMT", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
