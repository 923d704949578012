import NextAuth, { type NextAuthConfig } from "next-auth";
import type { Provider } from "next-auth/providers";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import { headers } from "next/headers";
import { createAuthSession, endSession } from "@/db/queries/auth-sessions";
import { findUserForSignIn, getAccount, markSignedIn, pickSignInOrganization } from "@/db/queries/users";
import { requestIp } from "@/lib/audit/request";
import { recordAudit } from "@/lib/audit/record";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { joinInvitationsByVerifiedEmail } from "@/lib/people/invitations";
import { authConfig, SESSION_MAX_AGE_SECONDS } from "./config";
import { authorizeWithPassword } from "./credentials";

function buildProviders(): Provider[] {
  const providers: Provider[] = [
    Credentials({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      authorize: authorizeWithPassword,
    }),
  ];
  if (env.github) providers.push(GitHub({ clientId: env.github.clientId, clientSecret: env.github.clientSecret }));
  if (env.oidc) {
    providers.push({
      id: "oidc",
      name: env.oidc.name,
      type: "oidc",
      issuer: env.oidc.issuer,
      clientId: env.oidc.clientId,
      clientSecret: env.oidc.clientSecret,
    });
  }
  return providers;
}

/** The external providers the login page offers as buttons (only those configured through env). */
export const externalProviders: { id: string; name: string }[] = [
  ...(env.github ? [{ id: "github", name: "GitHub" }] : []),
  ...(env.oidc ? [{ id: "oidc", name: env.oidc.name }] : []),
];

const fullConfig: NextAuthConfig = {
  ...authConfig,
  providers: buildProviders(),
  logger: {
    // A wrong password is an answer, not an error: lib/auth/credentials.ts logs it in one line. Anything else
    // Auth.js reports goes to our logger.
    error(error) {
      // `type`, not `name`: class names do not survive the production build's minifier.
      if ((error as { type?: string }).type === "CredentialsSignin") return;
      logger.error("auth error", { error });
    },
    warn(code) {
      logger.warn("auth warning", { code });
    },
  },
  callbacks: {
    ...authConfig.callbacks,
    // GitHub and OIDC let in people with a Herald account under the same, verified email, and people invited under
    // it: the provider proved they control the address, so their open invitations are accepted (and an account made
    // for someone new). Signing in never creates an organization.
    async signIn({ account, profile, user }) {
      if (!account || account.provider === "credentials") return true;
      const email = (profile?.email ?? user.email)?.toLowerCase();
      const verified = account.provider === "github" || profile?.email_verified !== false;
      if (!email || !verified) return "/login?error=AccessDenied";
      await joinInvitationsByVerifiedEmail({ email, name: user.name ?? (typeof profile?.name === "string" ? profile.name : null) });
      const known = await findUserForSignIn(email);
      if (!known) return "/login?error=AccessDenied";
      const landing = await pickSignInOrganization(known.id);
      if (!landing.ok) return `/login?error=${landing.reason === "organization_deactivated" ? "OrganizationDeactivated" : "NoOrganization"}`;
      return true;
    },
    // Runs with `user` only at sign-in: that is when the server-side session row is created. On every later request
    // the token passes through unchanged; lib/auth/session.ts checks its row.
    async jwt(params) {
      const { token, account, user } = params;
      if (!user) return token;
      let signedIn: { id: string; orgId: string; isAdmin: boolean };
      if (account && account.provider !== "credentials") {
        const known = user.email ? await findUserForSignIn(user.email) : undefined;
        const landing = known ? await pickSignInOrganization(known.id) : undefined;
        if (!known || !landing?.ok) return null;
        await markSignedIn(known.id);
        await recordAudit({
          organizationId: landing.orgId,
          actor: { type: "user", id: known.id, email: known.email },
          action: "sign_in.succeeded",
          ip: await requestIp(),
          changes: { method: account.provider },
        });
        signedIn = { id: known.id, orgId: landing.orgId, isAdmin: known.isPlatformAdmin };
      } else {
        if (!user.id || !user.orgId) return null;
        signedIn = { id: user.id, orgId: user.orgId, isAdmin: user.isAdmin ?? false };
      }
      const sid = await createAuthSession({
        userId: signedIn.id,
        orgId: signedIn.orgId,
        maxAgeSeconds: SESSION_MAX_AGE_SECONDS,
        userAgent: await requestUserAgent(),
        ip: await requestIp(),
      });
      return authConfig.callbacks.jwt({ token, user: { id: signedIn.id, sid, isAdmin: signedIn.isAdmin } });
    },
  },
  events: {
    // Sign-out ends the session on the server too: a copy of the cookie kept elsewhere stops working at once.
    async signOut(message) {
      const sid = "token" in message ? message.token?.sid : undefined;
      if (typeof sid !== "string") return;
      const ended = await endSession({ sessionId: sid, reason: "signed_out" });
      if (!ended) return;
      const account = await getAccount({ userId: ended.userId });
      await recordAudit({
        organizationId: ended.orgId,
        actor: { type: "user", id: ended.userId, email: account?.email },
        action: "session.ended",
        target: { type: "session", id: sid },
        ip: await requestIp(),
        changes: { reason: "signed_out" },
      });
    },
  },
};

/** The browser's user agent at sign-in, shown in the Profile page's session list; none outside a request. */
async function requestUserAgent(): Promise<string | null> {
  try {
    return (await headers()).get("user-agent");
  } catch {
    return null;
  }
}

export const { handlers, auth, signIn, signOut } = NextAuth(fullConfig);
