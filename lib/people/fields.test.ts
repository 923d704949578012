import { describe, expect, it } from "vitest";
import { emailField, newPasswordField, tokenField } from "./fields";
import { hashToken, newToken, TOKEN_PATTERN } from "./tokens";

describe("people fields", () => {
  it("reads an email as sign-in does: trimmed and lower-cased", () => {
    expect(emailField.parse("  Ann.Lee@Example.COM ")).toBe("ann.lee@example.com");
    for (const bad of ["", "ann", "ann@", "a@b\r\nBcc: x@y.z", "x".repeat(250) + "@example.com", 42]) {
      expect(emailField.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("asks new passwords for length, not composition", () => {
    expect(newPasswordField.safeParse("correct horse battery").success).toBe(true);
    expect(newPasswordField.safeParse("short").error?.issues[0]?.message).toBe("Use at least 12 characters.");
    expect(newPasswordField.safeParse(" ".repeat(20)).error?.issues[0]?.message).toMatch(/not spaces/);
    expect(newPasswordField.safeParse("x".repeat(1025)).error?.issues[0]?.message).toBe("That password is too long.");
  });

  it("accepts only token-shaped link tokens", () => {
    const { token, hash } = newToken();
    expect(token).toMatch(TOKEN_PATTERN);
    expect(tokenField.safeParse(token).success).toBe(true);
    expect(hash).toBe(hashToken(token));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(newToken().token).not.toBe(token);
    for (const bad of ["", "../../etc/passwd", `${token}x`, token.slice(1), `${token.slice(1)}%`]) {
      expect(tokenField.safeParse(bad).success, bad).toBe(false);
    }
  });
});
