import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, logFiltersSchema, utcMinute } from "./schemas";

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
    expect(decodeCursor(encodeCursor(row))).toEqual(row);
    expect(utcMinute("2026-11-22T10:05")?.toISOString()).toBe("2026-11-22T10:05:00.000Z");
    expect(utcMinute("2026-13-45T99:99")).toBeUndefined();
  });
});
