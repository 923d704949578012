import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "./redirect";

describe("safeCallbackPath", () => {
  it("keeps paths on this site", () => {
    expect(safeCallbackPath("/settings")).toBe("/settings");
    expect(safeCallbackPath("/webhooks/logs?status=failed")).toBe("/webhooks/logs?status=failed");
  });

  it.each([
    ["https://evil.example/", "an absolute URL"],
    ["//evil.example/path", "a protocol-relative URL"],
    ["/\\evil.example", "a backslash trick"],
    ["javascript:alert(1)", "a script URL"],
    ["/login", "the login page itself"],
    ["/api/auth/signout", "an API route"],
    ["", "an empty value"],
  ])("falls back to /webhooks for %s (%s)", (value) => {
    expect(safeCallbackPath(value)).toBe("/webhooks");
  });

  it("falls back when there is no value", () => {
    expect(safeCallbackPath(undefined)).toBe("/webhooks");
    expect(safeCallbackPath(null, "/settings")).toBe("/settings");
  });
});
