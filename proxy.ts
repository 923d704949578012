import NextAuth from "next-auth";
import { authConfig } from "@/lib/auth/config";

// Runs before every page: without a session, Auth.js's `authorized` callback sends the visitor to /login with a
// callbackUrl. Pages and actions check the session again themselves; this is the first line, not the only one.
const { auth } = NextAuth(authConfig);
export default auth;

export const config = {
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico|icon.svg|.*\\.(?:png|jpg|svg|ico|woff2?)$).*)"],
};
