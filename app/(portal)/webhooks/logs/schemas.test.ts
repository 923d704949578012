import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, logFiltersSchema, rangeError, toDeliveryFilters, utcMinute } from "./schemas";

describe("Logs URL filters", () => {
  it("keeps good values and drops unreadable ones instead of failing the page", () => {
    expect(
      logFiltersSchema.parse({
        endpoint: "ep_0123456789abcdefghij",
        status: "failed",
        type: "session.completed",
        q: "  ses_1 ",
        from: "2026-11-22T10:00",
        live: "1",
      }),
    ).toEqual({ endpoint: "ep_0123456789abcdefghij", status: "failed", type: "session.completed", q: "ses_1", from: "2026-11-22T10:00", live: "1" });
    expect(logFiltersSchema.parse({ endpoint: "../x", status: "exploded", type: "nope", from: "yesterday", before: "1;drop" })).toEqual({ q: undefined });
  });

  it("makes any search text safe for the query: NUL and control characters, lone surrogates, over-long text", () => {
    expect(logFiltersSchema.parse({ q: "\u0000" }).q).toBeUndefined();
    expect(logFiltersSchema.parse({ q: "ses_1\u0000" }).q).toBe("ses_1");
    expect(logFiltersSchema.parse({ q: "a\ud800" }).q).toBe("a\ufffd");
    expect(logFiltersSchema.parse({ q: "x".repeat(5000) }).q).toHaveLength(200);
    expect(logFiltersSchema.parse({ q: 42 }).q).toBeUndefined();
  });

  it("round-trips the keyset cursor and reads times as UTC", () => {
    const row = { createdAt: new Date("2026-11-22T10:00:00.123Z"), id: "dlv_0123456789abcdefghijklmn" };
    expect(decodeCursor(encodeCursor(row))).toEqual({ ...row, micros: "1795341600123000" });
    // Microseconds as PostgreSQL keeps them; a cursor in milliseconds (older links) still reads.
    expect(decodeCursor(encodeCursor({ ...row, createdAtMicros: "1795341600123456" }))?.micros).toBe("1795341600123456");
    expect(decodeCursor(`${row.createdAt.getTime()}_${row.id}`)).toEqual(row);
    expect(utcMinute("2026-11-22T10:05")?.toISOString()).toBe("2026-11-22T10:05:00.000Z");
    expect(utcMinute("2026-13-45T99:99")).toBeUndefined();
  });
});

describe("Logs paging, presets and ranges", () => {
  const now = new Date("2026-11-29T12:00:00Z");

  it("turns a time preset into a From relative to now, unless From or To are set", () => {
    expect(toDeliveryFilters(logFiltersSchema.parse({ range: "1h" }), now).from?.toISOString()).toBe("2026-11-29T11:00:00.000Z");
    expect(toDeliveryFilters(logFiltersSchema.parse({ range: "24h" }), now).from?.toISOString()).toBe("2026-11-28T12:00:00.000Z");
    expect(toDeliveryFilters(logFiltersSchema.parse({ range: "7d" }), now).from?.toISOString()).toBe("2026-11-22T12:00:00.000Z");
    expect(toDeliveryFilters(logFiltersSchema.parse({ range: "7d", from: "2026-11-29T10:00" }), now).from?.toISOString()).toBe("2026-11-29T10:00:00.000Z");
    expect(logFiltersSchema.parse({ range: "2y" }).range).toBeUndefined();
  });

  it("refuses From at or after To with a message", () => {
    expect(rangeError({ from: "2026-11-29T10:00", to: "2026-11-29T09:00" })).toMatch(/From must be before To/);
    expect(rangeError({ from: "2026-11-29T10:00", to: "2026-11-29T10:00" })).toMatch(/From must be before To/);
    expect(rangeError({ from: "2026-11-29T10:00", to: "2026-11-29T11:00" })).toBeUndefined();
    expect(rangeError({ from: "2026-11-29T10:00" })).toBeUndefined();
  });

  it("reads Older (before) and Newer (after) cursors; before wins when both are given", () => {
    const before = "1795965649544_dlv_0123456789abcdefghijklmn";
    const after = "1795965600000_dlv_nmlkjihgfedcba9876543210";
    expect(toDeliveryFilters(logFiltersSchema.parse({ after })).after?.id).toBe("dlv_nmlkjihgfedcba9876543210");
    const both = toDeliveryFilters(logFiltersSchema.parse({ before, after }));
    expect(both.before?.id).toBe("dlv_0123456789abcdefghijklmn");
    expect(both.after).toBeUndefined();
  });
});
