import type { Metadata } from "next";
import Image from "next/image";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { LoginForm } from "@/components/auth/login-form";
import { DEMO_ACCOUNTS } from "@/lib/startup/seed";
import { externalProviders } from "@/lib/auth";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { REFUSAL_MESSAGES } from "@/lib/auth/sign-in-refused";
import { readSession } from "@/lib/auth/session";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Sign in" };

const OAUTH_ERRORS: Record<string, string> = {
  AccessDenied: "That account is not linked to a Herald user. Ask your organization's owner to invite you.",
  OAuthAccountNotLinked: "That account is not linked to a Herald user.",
  Configuration: "Sign-in is misconfigured on this server. Please contact your administrator.",
  OrganizationDeactivated: REFUSAL_MESSAGES.organization_deactivated,
  NoOrganization: REFUSAL_MESSAGES.no_organization,
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(typeof params.callbackUrl === "string" ? params.callbackUrl : undefined);
  // Checked here rather than in the proxy: a valid cookie whose user was deleted must still be able to sign in.
  if (await readSession()) redirect(callbackUrl);
  const errorKey = typeof params.error === "string" ? params.error : undefined;
  const oauthError = errorKey ? (OAUTH_ERRORS[errorKey] ?? "Sign-in failed. Please try again.") : undefined;
  const notice = params.reset === "1" ? "Your password was changed and every session was signed out. Sign in with the new password." : undefined;
  const demoAccounts = env.seedDemo && !env.isProduction ? DEMO_ACCOUNTS.map(({ email, password }) => ({ email, password })) : [];

  return (
    <main className="flex min-h-dvh items-center justify-center bg-gradient-to-b from-indigo-50 to-background px-4 py-12 dark:from-indigo-950/40">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex flex-col items-center gap-3 text-center">
          <Image src="/logo.svg" alt="" width={44} height={44} priority />
          <div>
            <h1 className="text-2xl font-semibold tracking-tight">Sign in to Herald</h1>
            <p className="mt-1 text-sm text-muted-foreground">The partner portal for your webhooks</p>
          </div>
        </div>
        <LoginForm callbackUrl={callbackUrl} providers={externalProviders} oauthError={oauthError} notice={notice} demoAccounts={demoAccounts} />
      </div>
    </main>
  );
}
