import type { DefaultSession } from "next-auth";

declare module "next-auth" {
  interface Session {
    user: { id: string; sid: string; isAdmin: boolean } & DefaultSession["user"];
  }
  interface User {
    /** The organization a password sign-in lands in (chosen by authorize). */
    orgId?: string;
    /** The server-side session created for this sign-in. */
    sid?: string;
    isAdmin?: boolean;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    uid?: string;
    sid?: string;
    isAdmin?: boolean;
  }
}
