import { encode } from "next-auth/jwt";
import { cookies, headers } from "next/headers";
import { env } from "@/lib/env";

/**
 * The session cookie of a portal session, written the way Auth.js reads it (the same name and JWT salt, so `auth()`
 * and proxy.ts accept it like any sign-in's). A top-level session gets the usual `HttpOnly; SameSite=Lax` cookie. An
 * embedded one lives inside another site's frame, where browsers that block third-party cookies would drop it: it
 * is a partitioned cookie (CHIPS: `Partitioned; Secure; SameSite=None`), kept by the browser for this portal under
 * that one top-level site only, which is exactly the frame's need and nothing more. Browsers treat
 * http://localhost as a secure context, so this works in development too.
 */
export async function setPortalSessionCookie(p: { userId: string; sessionId: string; embedded: boolean; maxAgeSeconds: number }): Promise<void> {
  if (!env.authSecret) throw new Error("AUTH_SECRET is not set");
  const secureSite = (await headers()).get("x-forwarded-proto") === "https";
  const name = secureSite ? "__Secure-authjs.session-token" : "authjs.session-token";
  const value = await encode({
    token: { sub: p.userId, uid: p.userId, sid: p.sessionId, isAdmin: false },
    secret: env.authSecret,
    salt: name,
    maxAge: p.maxAgeSeconds,
  });
  const jar = await cookies();
  jar.set(name, value, {
    httpOnly: true,
    path: "/",
    maxAge: p.maxAgeSeconds,
    ...(p.embedded ? { sameSite: "none", secure: true, partitioned: true } : { sameSite: "lax", secure: secureSite }),
  });
}
