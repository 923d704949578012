import NextAuth, { type NextAuthConfig } from "next-auth";
import type { Provider } from "next-auth/providers";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import { findUserForSignIn, markSignedIn } from "@/db/queries/users";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { authConfig } from "./config";
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
    // GitHub and OIDC only let in people who already have a Herald account under the same, verified email:
    // signing in never creates an organization or joins one.
    async signIn({ account, profile, user }) {
      if (!account || account.provider === "credentials") return true;
      const email = (profile?.email ?? user.email)?.toLowerCase();
      const verified = account.provider === "github" || profile?.email_verified !== false;
      if (!email || !verified) return "/login?error=AccessDenied";
      const known = await findUserForSignIn(email);
      return known ? true : "/login?error=AccessDenied";
    },
    async jwt(params) {
      const { token, account, user } = params;
      if (account && account.provider !== "credentials") {
        const known = user.email ? await findUserForSignIn(user.email) : undefined;
        if (!known) return null;
        await markSignedIn(known.id);
        return { ...token, uid: known.id, orgId: known.organizationId, isAdmin: known.isPlatformAdmin };
      }
      return authConfig.callbacks.jwt(params);
    },
  },
};

export const { handlers, auth, signIn, signOut } = NextAuth(fullConfig);
