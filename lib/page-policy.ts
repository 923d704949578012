import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";
import { contentSecurityPolicy, newNonce, pageFrameOptions } from "@/lib/security-headers";

/** Where a sign-in form may lead: the configured providers (an OIDC provider is taken to authorize on its issuer's origin). */
function signInOrigins(): string[] {
  const origins: string[] = [];
  if (env.github) origins.push("https://github.com");
  if (env.oidc) origins.push(new URL(env.oidc.issuer).origin);
  return origins;
}

/**
 * Lets a page request through with this request's Content-Security-Policy: a fresh nonce, handed to Next.js in the
 * request's own CSP header (Next.js reads the nonce from it and puts it on every script it renders) and to the app
 * as `x-nonce`, and the same policy on the response. Framing is decided here, when the server runs: frame-ancestors
 * names PORTAL_EMBED_ORIGINS when set, and otherwise nobody may frame the page (X-Frame-Options: DENY as well).
 */
export function continueWithPolicy(request: NextRequest): NextResponse {
  const nonce = newNonce();
  const policy = contentSecurityPolicy({
    nonce,
    development: env.nodeEnv === "development",
    formActionOrigins: signInOrigins(),
    embedOrigins: env.portal.embedOrigins,
  });
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  const frameOptions = pageFrameOptions(env.portal.embedOrigins);
  if (frameOptions) response.headers.set("X-Frame-Options", frameOptions);
  return response;
}
