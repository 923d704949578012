import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { isPublicPath } from "@/lib/auth/config";
import { env } from "@/lib/env";
import { continueWithPolicy } from "@/lib/page-policy";
import { refuseUndecodablePath } from "@/lib/path-guard";
import { guardServerActionPayload } from "@/lib/server-action-guard";

/**
 * Runs before every page: without a valid session cookie, the visitor goes to /login with a callbackUrl (a path on
 * this site). It only reads the cookie, never writes it: Auth.js's own middleware re-issues the session cookie on
 * every request, and a prefetch in flight during sign-out would then put the session right back. Pages and actions
 * check the session again themselves; this is the first line, not the only one. Pages it lets through get their
 * Content-Security-Policy and nonce here (lib/page-policy.ts).
 */
export default async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const undecodable = refuseUndecodablePath(pathname);
  if (undecodable) return undecodable;
  if (pathname.startsWith("/api/")) return NextResponse.next();
  const refused = await guardServerActionPayload(request);
  if (refused) return refused;
  if (isPublicPath(pathname)) return continueWithPolicy(request);
  const token = await getToken({
    req: request,
    secret: env.authSecret,
    secureCookie: request.nextUrl.protocol === "https:",
  });
  if (token?.uid) return continueWithPolicy(request);
  const login = new URL("/login", request.nextUrl);
  login.searchParams.set("callbackUrl", `${pathname}${search}`);
  return NextResponse.redirect(login);
}

export const config = {
  matcher: [
    "/((?!api/|_next/static|_next/image|favicon.ico|icon.svg|.*\\.(?:png|jpg|svg|ico|woff2?)$).*)",
    // API paths only when they hold a percent sign (see lib/path-guard.ts): other API requests skip the
    // proxy, whose copy of the request body Next would otherwise buffer.
    "/api/:path(.*%.*)",
  ],
};
