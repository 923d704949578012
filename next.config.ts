import type { NextConfig } from "next";
import { NON_PAGE_CONTENT_SECURITY_POLICY, NON_PAGE_FRAME_OPTIONS, staticSecurityHeaders } from "./lib/security-headers";

const nextConfig: NextConfig = {
  // PGlite loads its WebAssembly and data files from its own package folder; bundled, it fails at runtime.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "postgres"],
  poweredByHeader: false,
  experimental: {
    // Next copies every request body that passes through proxy.ts (pages, server actions) and holds up to this much
    // of it in memory, twice, until the upload ends, whatever the proxy answered. Server actions take at most 1 MB
    // (lib/server-action-guard.ts refuses more with 413), so 2 MB still shows the guard an oversized body and caps
    // what one upload of any size costs the process (10 MB by default).
    proxyClientMaxBodySize: "2mb",
  },
  // Pages get their Content-Security-Policy (with a per-request nonce) from proxy.ts; see lib/security-headers.ts.
  async headers() {
    return [
      { source: "/:path*", headers: staticSecurityHeaders() },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: NON_PAGE_CONTENT_SECURITY_POLICY }, NON_PAGE_FRAME_OPTIONS] },
      // Static files are never framed either; pages get their X-Frame-Options from proxy.ts (PORTAL_EMBED_ORIGINS).
      { source: "/_next/:path*", headers: [NON_PAGE_FRAME_OPTIONS] },
    ];
  },
};

export default nextConfig;
