import { describe, expect, it } from "vitest";
import { EVENT_CATALOG, EVENT_TYPES, eventTypeSchema, findEventType, stripInternalMetadata } from "./catalog";

describe("event catalog", () => {
  it("has one unique entry per type, each with a description", () => {
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_CATALOG.length);
    for (const entry of EVENT_CATALOG) expect(entry.description.length).toBeGreaterThan(10);
  });

  it.each(EVENT_CATALOG.map((e) => [e.type, e] as const))("%s: its example satisfies its own schema", (_type, entry) => {
    const result = entry.schema.safeParse(entry.example);
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it("covers every terminal session status and the credential lifecycle", () => {
    expect(EVENT_TYPES).toEqual(
      expect.arrayContaining([
        "session.completed",
        "session.partial_complete",
        "session.error",
        "session.cancelled",
        "session.terminated",
        "credential.issued",
        "credential.claimed",
        "credential.revoked",
        "credential.expired",
        "credential.renewed",
        "bulk_issuance.completed",
      ]),
    );
  });

  it("refuses a payload whose status contradicts its type, and unknown types", () => {
    expect(findEventType("session.completed")?.schema.safeParse({ ...findEventType("session.error")?.example }).success).toBe(false);
    expect(findEventType("session.unknown")).toBeUndefined();
    expect(eventTypeSchema.safeParse("nope").error?.issues[0]?.message).toBe("Choose an event type from the catalog.");
  });

  it("strips internal metadata keys", () => {
    expect(stripInternalMetadata({ campaign: "a", _trace: "x", internalScore: 3, InternalNote: "n" })).toEqual({ campaign: "a" });
  });
});
