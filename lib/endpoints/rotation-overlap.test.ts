import { describe, expect, it } from "vitest";
import { DEFAULT_ROTATION_OVERLAP, overlapEndsAt, ROTATION_OVERLAPS } from "./rotation-overlap";
import { ROTATION_OVERLAP_MS } from "./secret";

describe("rotation overlap", () => {
  const now = new Date("2026-11-29T12:00:00.000Z");

  it("ends the old credential at once, or after 1 hour, 24 hours or 7 days", () => {
    expect(overlapEndsAt("now", now)).toBeNull();
    expect(overlapEndsAt("1h", now)?.toISOString()).toBe("2026-11-29T13:00:00.000Z");
    expect(overlapEndsAt("24h", now)?.toISOString()).toBe("2026-11-30T12:00:00.000Z");
    expect(overlapEndsAt("7d", now)?.toISOString()).toBe("2026-12-06T12:00:00.000Z");
    expect(ROTATION_OVERLAPS).toEqual(["now", "1h", "24h", "7d"]);
  });

  it("defaults to the 24 hours rotation always had", () => {
    expect(DEFAULT_ROTATION_OVERLAP).toBe("24h");
    expect(overlapEndsAt(DEFAULT_ROTATION_OVERLAP, now)!.getTime() - now.getTime()).toBe(ROTATION_OVERLAP_MS);
  });
});
