import { describe, expect, it } from "vitest";
import { diffFields, sanitizeChanges } from "./record";

describe("sanitizeChanges", () => {
  it("replaces secret fields by (changed), whatever their value", () => {
    expect(
      sanitizeChanges({
        secret: "whsec_abc",
        signingSecret: { from: "a", to: "b" },
        password: "hunter2",
        passwordHash: "$argon2id$...",
        token: "t",
        headerValues: ["v"],
        apiKey: "hk_live_x",
        authorization: "Bearer x",
      }),
    ).toEqual({
      secret: "(changed)",
      signingSecret: "(changed)",
      password: "(changed)",
      passwordHash: "(changed)",
      token: "(changed)",
      headerValues: "(changed)",
      apiKey: "(changed)",
      authorization: "(changed)",
    });
  });

  it("keeps ordinary fields as { from, to } or { to }, and hides values that look like secrets under any name", () => {
    expect(
      sanitizeChanges({
        url: { from: "https://a.example/", to: "https://b.example/" },
        name: "CI key",
        note: "my whsec_c2VjcmV0 pasted here",
        prefix: { to: "hk_live_abc123" },
        plan: { from: "free", to: "pro" },
      }),
    ).toEqual({
      url: { from: "https://a.example/", to: "https://b.example/" },
      name: { to: "CI key" },
      note: { to: "(changed)" },
      prefix: { to: "(changed)" },
      plan: { from: "free", to: "pro" },
    });
  });

  it("caps huge values and stores nothing for no changes", () => {
    const out = sanitizeChanges({ description: "x".repeat(10_000) });
    expect(String((out!.description as { to: unknown }).to).length).toBeLessThan(2100);
    expect(sanitizeChanges({})).toBeNull();
    expect(sanitizeChanges(undefined)).toBeNull();
  });
});

describe("diffFields", () => {
  it("lists only the fields whose values differ, compared as JSON", () => {
    const before = { url: "a", headers: ["X-A"], active: true, maxRetries: 3 };
    expect(diffFields(before, { url: "a", headers: ["X-A", "X-B"], active: false }, ["url", "headers", "active", "maxRetries"])).toEqual({
      headers: { from: ["X-A"], to: ["X-A", "X-B"] },
      active: { from: true, to: false },
    });
  });
});
