import { describe, expect, it } from "vitest";
import {
  DATE_TIME_INPUT_EXAMPLE,
  formatClock,
  formatDate,
  formatDateTime,
  formatDateTimeInput,
  formatExact,
  formatRelative,
  formatSpan,
  fromZonedInput,
  isTimeZone,
  parseDateTimeInput,
  toZonedInput,
  zoneLabel,
} from "./format";

const at = new Date("2026-11-29T12:36:05Z");

describe("one date format", () => {
  it("writes date, time and zone the same way in every zone", () => {
    expect(formatDateTime(at)).toBe("29 Nov 2026, 12:36 UTC");
    expect(formatDateTime(at, { timeZone: "Europe/Paris" })).toBe("29 Nov 2026, 13:36 CET");
    expect(formatDateTime(at, { timeZone: "Asia/Kolkata", seconds: true })).toBe("29 Nov 2026, 18:06:05 GMT+5:30");
    expect(formatDate(at, { timeZone: "Pacific/Auckland" })).toBe("30 Nov 2026");
  });

  it("keeps seconds apart where attempts are compared (28 s apart never look the same)", () => {
    const later = new Date(at.getTime() + 28_000);
    expect(formatDateTime(at, { seconds: true })).not.toBe(formatDateTime(later, { seconds: true }));
    expect(formatSpan(later.getTime() - at.getTime())).toBe("28 s");
  });

  it("falls back to UTC for an unknown zone and to a dash for no time", () => {
    expect(formatDateTime(at, { timeZone: "Mars/Olympus" })).toBe("29 Nov 2026, 12:36 UTC");
    expect(formatDateTime(null)).toBe("—");
    expect(formatDateTime("not a date")).toBe("—");
  });

  it("shows the exact time on hover, with UTC beside another zone", () => {
    expect(formatExact(at, "UTC")).toBe("29 Nov 2026, 12:36:05 UTC");
    expect(formatExact(at, "America/New_York")).toBe("29 Nov 2026, 07:36:05 GMT-5 · 29 Nov 2026, 12:36:05 UTC");
  });
});

describe("relative times", () => {
  const now = at.getTime();
  it.each([
    [0, "just now"],
    [-12_000, "12 s ago"],
    [-180_000, "3 min ago"],
    [-5 * 3_600_000, "5 h ago"],
    [-86_400_000, "1 day ago"],
    [-3 * 86_400_000, "3 days ago"],
    [40_000, "in 40 s"],
    [12 * 3_600_000, "in 12 h"],
  ])("%i ms from now reads %s", (offset, text) => {
    expect(formatRelative(now + offset, now)).toBe(text);
  });

  it("gives the date past a week", () => {
    expect(formatRelative(now - 30 * 86_400_000, now)).toBe("30 Oct 2026");
  });
});

describe("spans", () => {
  it.each([
    [28_000, "28 s"],
    [125_000, "2 min 5 s"],
    [3_780_000, "1 h 3 min"],
    [3 * 86_400_000, "3 days"],
  ])("%i ms is %s", (ms, text) => expect(formatSpan(ms)).toBe(text));
});

describe("date inputs in a zone", () => {
  it("round-trips a wall-clock time through the zone it is labelled with", () => {
    expect(toZonedInput(at, "UTC")).toBe("2026-11-29T12:36");
    expect(toZonedInput(at, "Europe/Paris")).toBe("2026-11-29T13:36");
    expect(fromZonedInput("2026-11-29T13:36", "Europe/Paris")?.toISOString()).toBe("2026-11-29T12:36:00.000Z");
    expect(fromZonedInput("2026-11-29T12:36", "UTC")?.toISOString()).toBe("2026-11-29T12:36:00.000Z");
    expect(fromZonedInput("2026-07-01T09:00", "America/New_York")?.toISOString()).toBe("2026-07-01T13:00:00.000Z");
  });

  it("resolves a time skipped by a daylight-saving jump to after the jump, and refuses nonsense", () => {
    // 29 Mar 2026: Paris jumps from 02:00 to 03:00.
    expect(fromZonedInput("2026-03-29T02:30", "Europe/Paris")?.toISOString()).toBe("2026-03-29T01:30:00.000Z");
    expect(fromZonedInput("2026-02-30T10:00", "UTC")).toBeUndefined();
    expect(fromZonedInput("yesterday", "UTC")).toBeUndefined();
  });

  it("knows real zones only, and labels them", () => {
    expect(isTimeZone("Europe/Paris")).toBe(true);
    expect(isTimeZone("Europe/Nowhere")).toBe(false);
    expect(isTimeZone("")).toBe(false);
    expect(zoneLabel("UTC")).toBe("UTC");
    expect(zoneLabel("Europe/Paris", at)).toBe("Europe/Paris, CET");
  });
});

describe("clock times (Retrying at …)", () => {
  it("shows the time of day alone on the person's today, the date too on another day", () => {
    const now = at.getTime();
    expect(formatClock(new Date("2026-11-29T12:38:37Z"), now, { seconds: true })).toBe("12:38:37 UTC");
    expect(formatClock(new Date("2026-11-29T12:38:37Z"), now, { timeZone: "Europe/Paris", seconds: true })).toBe("13:38:37 CET");
    expect(formatClock(new Date("2026-11-30T00:38:37Z"), now, { seconds: true })).toBe("30 Nov 2026, 00:38:37 UTC");
    // 23:30 UTC is already tomorrow in Paris.
    expect(formatClock(new Date("2026-11-29T23:30:00Z"), now, { timeZone: "Europe/Paris" })).toBe("30 Nov 2026, 00:30 CET");
  });
});

describe("typed date-time fields", () => {
  it("show the app's one format on the person's clock, without the zone (the label names it)", () => {
    expect(formatDateTimeInput(at, "UTC")).toBe("29 Nov 2026, 12:36");
    expect(formatDateTimeInput(at, "Europe/Paris")).toBe("29 Nov 2026, 13:36");
    expect(formatDateTimeInput(new Date("2026-07-05T08:05:59Z"), "America/New_York")).toBe("5 Jul 2026, 04:05");
    // The same text as everywhere else, less the zone's name.
    expect(formatDateTime(at, { timeZone: "Europe/Paris" })).toBe(`${formatDateTimeInput(at, "Europe/Paris")} CET`);
    expect(formatDateTimeInput(undefined)).toBe("");
    expect(parseDateTimeInput(DATE_TIME_INPUT_EXAMPLE, "UTC")?.toISOString()).toBe("2026-01-05T09:30:00.000Z");
    expect(formatDateTimeInput(new Date("2026-01-05T09:30:00Z"), "UTC")).toBe(DATE_TIME_INPUT_EXAMPLE);
  });

  it("read back what they show, in the zone they are labelled with", () => {
    for (const zone of ["UTC", "Europe/Paris", "Asia/Kolkata", "America/New_York"]) {
      expect(parseDateTimeInput(formatDateTimeInput(at, zone), zone)?.toISOString()).toBe("2026-11-29T12:36:00.000Z");
    }
    expect(parseDateTimeInput("15 Jan 2026, 13:00", "Europe/Paris")?.toISOString()).toBe("2026-01-15T12:00:00.000Z");
  });

  it("accept the usual variations: case, no comma, the month's full name, ISO, a date alone (midnight)", () => {
    const paris = (text: string) => parseDateTimeInput(text, "Europe/Paris")?.toISOString();
    expect(paris("29 nov 2026 13:36")).toBe("2026-11-29T12:36:00.000Z");
    expect(paris("  29 November 2026,  13:36 ")).toBe("2026-11-29T12:36:00.000Z");
    expect(paris("29 Nov 2026, 9:05")).toBe("2026-11-29T08:05:00.000Z");
    expect(paris("2026-11-29 13:36")).toBe("2026-11-29T12:36:00.000Z");
    expect(paris("2026-11-29T13:36")).toBe("2026-11-29T12:36:00.000Z");
    expect(paris("29 Nov 2026")).toBe("2026-11-28T23:00:00.000Z");
  });

  it("refuse what they cannot read, or a date that does not exist", () => {
    for (const text of ["", "   ", "yesterday", "11/28/2026, 12:35 PM", "29 Novx 2026, 13:36", "30 Feb 2026, 10:00", "29 Nov 2026, 24:00", "29 Nov 2026, 13:60", "2026-13-01 10:00", "29 Nov 26, 13:36"]) {
      expect(parseDateTimeInput(text, "UTC"), text).toBeUndefined();
    }
  });
});
