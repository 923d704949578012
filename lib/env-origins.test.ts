import { describe, expect, it } from "vitest";
import { parseOriginList } from "./env";

describe("PORTAL_EMBED_ORIGINS / PORTAL_RETURN_ORIGINS", () => {
  it("takes origins separated by commas or spaces, lower-cased, without duplicates", () => {
    expect(parseOriginList(undefined)).toEqual({ ok: true, origins: [] });
    expect(parseOriginList("")).toEqual({ ok: true, origins: [] });
    expect(parseOriginList("https://App.example.com, http://127.0.0.1:3350 https://app.example.com/")).toEqual({
      ok: true,
      origins: ["https://app.example.com", "http://127.0.0.1:3350"],
    });
  });

  it("refuses anything that is not exactly an origin, with a message", () => {
    for (const bad of ["https://app.example.com/path", "*.example.com", "app.example.com", "ftp://x.example", "https://*.example.com", "https://u:p@x.example"]) {
      const parsed = parseOriginList(bad);
      expect(parsed.ok, bad).toBe(false);
      if (!parsed.ok) expect(parsed.message).toContain("scheme://host");
    }
  });
});
