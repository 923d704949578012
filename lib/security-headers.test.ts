import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import {
  contentSecurityPolicy,
  FRAME_ANCESTORS,
  newNonce,
  NON_PAGE_CONTENT_SECURITY_POLICY,
  NON_PAGE_FRAME_OPTIONS,
  pageFrameOptions,
  STYLE_HASHES,
  staticSecurityHeaders,
} from "./security-headers";

const directives = (policy: string) =>
  Object.fromEntries(policy.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1)]));

describe("security headers", () => {
  it("allows scripts only with the request's nonce, and eval and inline styles only in development", () => {
    const production = directives(contentSecurityPolicy({ nonce: "abc", development: false }));
    expect(production["script-src"]).toEqual(["'self'", "'nonce-abc'", "'strict-dynamic'"]);
    expect(production["style-src"]).toEqual(["'self'", "'nonce-abc'", ...STYLE_HASHES]);
    expect(production["object-src"]).toEqual(["'none'"]);
    expect(production["base-uri"]).toEqual(["'none'"]);
    expect(production["frame-ancestors"]).toEqual(["'none'"]);
    expect(production["form-action"]).toEqual(["'self'"]);
    const development = directives(contentSecurityPolicy({ nonce: "abc", development: true }));
    expect(development["script-src"]).toContain("'unsafe-eval'");
    expect(development["style-src"]).toEqual(["'self'", "'unsafe-inline'"]);
    expect(JSON.stringify(production)).not.toContain("unsafe-eval");
  });

  it("allows the stylesheet the installed sonner inserts, by its hash, and only style hashes", () => {
    const source = readFileSync(createRequire(import.meta.url).resolve("sonner"), "utf8");
    const literal = source.match(/__insertCSS\("((?:[^"\\]|\\.)*)"\)/)?.[1];
    expect(literal, "sonner no longer inserts its CSS this way: check the toasts under the CSP").toBeDefined();
    const css = JSON.parse(`"${literal}"`) as string;
    const hash = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
    expect(STYLE_HASHES).toEqual([hash(css), hash("")]);
    expect(directives(contentSecurityPolicy({ nonce: "n", development: false }))["script-src"].join(" ")).not.toContain("sha256");
  });

  it("lets sign-in forms lead to the configured providers", () => {
    const policy = directives(contentSecurityPolicy({ nonce: "n", development: false, formActionOrigins: ["https://github.com"] }));
    expect(policy["form-action"]).toEqual(["'self'", "https://github.com"]);
  });

  it("denies framing unless embedding origins are configured: frame-ancestors and X-Frame-Options agree", () => {
    expect(FRAME_ANCESTORS).toEqual(["'none'"]);
    expect(staticSecurityHeaders()).toEqual(
      expect.arrayContaining([
        { key: "X-Content-Type-Options", value: "nosniff" },
        { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
      ]),
    );
    expect(NON_PAGE_CONTENT_SECURITY_POLICY).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(NON_PAGE_FRAME_OPTIONS).toEqual({ key: "X-Frame-Options", value: "DENY" });
    expect(directives(contentSecurityPolicy({ nonce: "n", development: false }))["frame-ancestors"]).toEqual(["'none'"]);
    expect(pageFrameOptions([])).toBe("DENY");
    const embedded = directives(contentSecurityPolicy({ nonce: "n", development: false, embedOrigins: ["https://app.example.com", "http://127.0.0.1:3000"] }));
    expect(embedded["frame-ancestors"]).toEqual(["https://app.example.com", "http://127.0.0.1:3000"]);
    expect(pageFrameOptions(["https://app.example.com"])).toBeUndefined();
  });

  it("makes a new 128-bit nonce every time", () => {
    const nonces = new Set(Array.from({ length: 100 }, () => newNonce()));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });
});
