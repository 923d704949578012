import { describe, expect, it } from "vitest";
import { isRetrying } from "./status";

describe("Retrying at …", () => {
  it("is a pending delivery with an attempt behind it and the next one scheduled", () => {
    expect(isRetrying({ status: "pending", nextAttemptAt: "2026-11-29T12:38:37Z", attemptCount: 1 })).toBe(true);
    // Not yet tried (held by a rate limit, say): still Pending.
    expect(isRetrying({ status: "pending", nextAttemptAt: "2026-11-29T12:38:37Z", attemptCount: 0 })).toBe(false);
    expect(isRetrying({ status: "pending", nextAttemptAt: null, attemptCount: 2 })).toBe(false);
    expect(isRetrying({ status: "failed", nextAttemptAt: null, attemptCount: 6 })).toBe(false);
  });
});
