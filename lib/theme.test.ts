import { describe, expect, it } from "vitest";
import { parseTheme, THEME_COOKIE, themeClass, themeCookie } from "./theme";

describe("theme", () => {
  it("reads the three choices and treats anything else as system", () => {
    expect(parseTheme("light")).toBe("light");
    expect(parseTheme("dark")).toBe("dark");
    expect(parseTheme("system")).toBe("system");
    expect(parseTheme(undefined)).toBe("system");
    expect(parseTheme("")).toBe("system");
    expect(parseTheme("Dark")).toBe("system");
    expect(parseTheme("dark; path=/")).toBe("system");
  });

  it("puts a class on <html> only for an explicit choice", () => {
    expect(themeClass("light")).toBe("light");
    expect(themeClass("dark")).toBe("dark");
    expect(themeClass("system")).toBeUndefined();
  });

  it("keeps the choice for a year on the whole site", () => {
    const cookie = themeCookie("dark");
    expect(cookie.startsWith(`${THEME_COOKIE}=dark;`)).toBe(true);
    expect(cookie).toContain("path=/");
    expect(cookie).toContain("max-age=31536000");
    expect(cookie).toContain("samesite=lax");
  });
});
