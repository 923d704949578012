import type { NextAuthConfig } from "next-auth";
import { env } from "@/lib/env";

/** Paths anyone may open; everything else proxy.ts sends to /login without a session. */
const PUBLIC_PATHS = ["/login", "/invite", "/reset-password", "/unsubscribe", "/portal"];

export function isPublicPath(pathname: string): boolean {
  return PUBLIC_PATHS.some((p) => pathname === p || pathname.startsWith(`${p}/`));
}

export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

/**
 * The database-free part of the Auth.js configuration: session strategy and the JWT <-> session mapping. Providers
 * that need the database are added in lib/auth/index.ts.
 */
export const authConfig = {
  secret: env.authSecret,
  // Herald is self-hosted behind whatever proxy its operator runs; the host header is trusted as Auth.js documents
  // for self-hosting (set AUTH_URL to pin it).
  trustHost: true,
  pages: { signIn: "/login" },
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  providers: [],
  callbacks: {
    // The cookie names the person and their server-side session row (auth_sessions); which organization the session
    // works in, and whether it still lives, is read from that row on every request (lib/auth/session.ts).
    jwt({ token, user }) {
      if (user?.id && user.sid) {
        token.uid = user.id;
        token.sid = user.sid;
        token.isAdmin = user.isAdmin ?? false;
      }
      return token;
    },
    session({ session, token }) {
      if (token.uid && token.sid) {
        session.user.id = token.uid;
        session.user.sid = token.sid;
        session.user.isAdmin = token.isAdmin ?? false;
      }
      return session;
    },
  },
} satisfies NextAuthConfig;
