import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";
import { contentSecurityPolicy, newNonce } from "@/lib/security-headers";

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
 * as `x-nonce`, and the same policy on the response.
 */
export function continueWithPolicy(request: NextRequest): NextResponse {
  const nonce = newNonce();
  const policy = contentSecurityPolicy({ nonce, development: env.nodeEnv === "development", formActionOrigins: signInOrigins() });
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}
