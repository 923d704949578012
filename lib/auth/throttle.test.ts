import { describe, expect, it } from "vitest";
import { describeRetryAfter, evaluateThrottle } from "./throttle";

const limits = { maxFailuresPerEmail: 10, maxFailuresPerIp: 30, windowMinutes: 15 };
const now = new Date("2026-11-22T12:00:00Z");
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);

describe("evaluateThrottle", () => {
  it("lets attempts through below both budgets", () => {
    expect(evaluateThrottle({ byEmail: 9, byIp: 29, oldestByEmail: minutesAgo(5), oldestByIp: minutesAgo(5) }, limits, now)).toEqual({
      limited: false,
    });
  });

  it("limits an email at its budget and waits until the oldest failure leaves the window", () => {
    const verdict = evaluateThrottle({ byEmail: 10, byIp: 10, oldestByEmail: minutesAgo(5), oldestByIp: minutesAgo(5) }, limits, now);
    expect(verdict).toEqual({ limited: true, retryAfterSeconds: 10 * 60 });
  });

  it("limits an IP trying many emails", () => {
    const verdict = evaluateThrottle({ byEmail: 1, byIp: 30, oldestByEmail: minutesAgo(1), oldestByIp: minutesAgo(14) }, limits, now);
    expect(verdict).toEqual({ limited: true, retryAfterSeconds: 60 });
  });

  it("takes the longer wait when both budgets are spent", () => {
    const verdict = evaluateThrottle({ byEmail: 12, byIp: 40, oldestByEmail: minutesAgo(2), oldestByIp: minutesAgo(10) }, limits, now);
    expect(verdict).toEqual({ limited: true, retryAfterSeconds: 13 * 60 });
  });

  it("never asks for a wait under one second", () => {
    const verdict = evaluateThrottle({ byEmail: 10, byIp: 0, oldestByEmail: minutesAgo(15), oldestByIp: null }, limits, now);
    expect(verdict).toEqual({ limited: true, retryAfterSeconds: 1 });
  });
});

describe("describeRetryAfter", () => {
  it("speaks in seconds under a minute and rounds minutes up", () => {
    expect(describeRetryAfter(1)).toBe("Try again in 1 second.");
    expect(describeRetryAfter(45)).toBe("Try again in 45 seconds.");
    expect(describeRetryAfter(60)).toBe("Try again in 1 minute.");
    expect(describeRetryAfter(61)).toBe("Try again in 2 minutes.");
  });
});
