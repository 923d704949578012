import { describe, expect, it } from "vitest";
import { organizationSchema, profileSchema } from "./schemas";

describe("settings schemas", () => {
  it("trims names and accepts unicode letters", () => {
    expect(profileSchema.parse({ name: "  Zoë Ångström  " })).toEqual({ name: "Zoë Ångström" });
    expect(organizationSchema.parse({ name: "Acme Verify GmbH & Co." })).toEqual({ name: "Acme Verify GmbH & Co." });
  });

  it.each([
    [{ name: "" }, "Enter the organization's name."],
    [{ name: "   " }, "Enter the organization's name."],
    [{ name: "x".repeat(101) }, "Keep it under 101 characters."],
    [{ name: "Acme\r\nX-Injected: 1" }, "Use letters, numbers, spaces and punctuation only."],
    [{ name: "Acme\u0000" }, "Use letters, numbers, spaces and punctuation only."],
    [{ name: "Acme\u202Eyfirev" }, "Use letters, numbers, spaces and punctuation only."],
    [{ name: 42 }, "Enter the organization's name."],
    [{}, "Enter the organization's name."],
  ])("refuses %j with a message", (input, message) => {
    const result = organizationSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(message);
  });
});
