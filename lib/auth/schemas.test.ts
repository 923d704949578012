import { describe, expect, it } from "vitest";
import { signInSchema } from "./schemas";

describe("signInSchema", () => {
  it("trims and lower-cases the email", () => {
    const parsed = signInSchema.parse({ email: "  Partner@Example.COM ", password: "x" });
    expect(parsed.email).toBe("partner@example.com");
  });

  it("explains each missing or malformed field", () => {
    const result = signInSchema.safeParse({ email: "not-an-email", password: "" });
    expect(result.success).toBe(false);
    const messages = result.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(messages).toContain("email: Enter a valid email address, like name@company.com.");
    expect(messages).toContain("password: Enter your password.");
  });

  it("refuses values of the wrong type and oversize input", () => {
    expect(signInSchema.safeParse({ email: 42, password: ["a"] }).success).toBe(false);
    expect(signInSchema.safeParse({ email: `${"a".repeat(300)}@example.com`, password: "x" }).success).toBe(false);
    expect(signInSchema.safeParse({ email: "a@example.com", password: "x".repeat(1025) }).success).toBe(false);
  });
});
