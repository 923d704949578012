"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { signIn } from "@/lib/auth";
import { THROTTLED_CODE_PREFIX } from "@/lib/auth/credentials";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { signInSchema } from "@/lib/auth/schemas";
import { REFUSAL_MESSAGES, REFUSED_CODE_PREFIX, type SignInRefusal } from "@/lib/auth/sign-in-refused";
import { describeRetryAfter } from "@/lib/auth/throttle";
import { logger } from "@/lib/logger";
import type { LoginState } from "./state";

const WRONG_CREDENTIALS = "Wrong email or password. Check both and try again.";

/** The password form's action: validate, let Auth.js check the password, and explain any refusal. */
export async function signInWithPassword(_previous: LoginState, formData: FormData): Promise<LoginState> {
  const email = typeof formData.get("email") === "string" ? String(formData.get("email")) : "";
  const parsed = signInSchema.safeParse({
    email: formData.get("email") ?? undefined,
    password: formData.get("password") ?? undefined,
    callbackUrl: formData.get("callbackUrl") ?? undefined,
  });
  if (!parsed.success) {
    const fieldErrors: LoginState["fieldErrors"] = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path[0];
      if ((key === "email" || key === "password") && !fieldErrors[key]) fieldErrors[key] = issue.message;
    }
    return { email, fieldErrors, error: undefined };
  }
  try {
    await signIn("credentials", {
      email: parsed.data.email,
      password: parsed.data.password,
      redirectTo: safeCallbackPath(parsed.data.callbackUrl),
    });
  } catch (error) {
    // A successful signIn() throws Next's redirect, which must travel on; only Auth.js's own errors are answers.
    if (!(error instanceof AuthError)) throw error;
    if (error instanceof CredentialsSignin && error.code.startsWith(THROTTLED_CODE_PREFIX)) {
      const seconds = Number(error.code.slice(THROTTLED_CODE_PREFIX.length)) || 60;
      return { email, error: `Too many failed sign-in attempts. ${describeRetryAfter(seconds)}` };
    }
    if (error instanceof CredentialsSignin && error.code.startsWith(REFUSED_CODE_PREFIX)) {
      const reason = error.code.slice(REFUSED_CODE_PREFIX.length) as SignInRefusal;
      return { email, error: REFUSAL_MESSAGES[reason] ?? WRONG_CREDENTIALS };
    }
    if (error.type === "CredentialsSignin") return { email, error: WRONG_CREDENTIALS };
    logger.error("sign-in error", { error });
    return { email, error: "Sign-in is not available right now. Please try again in a moment." };
  }
  return { email, error: undefined };
}

/** Starts a GitHub or OIDC sign-in (only offered when configured). */
export async function signInWithProvider(formData: FormData): Promise<void> {
  const provider = formData.get("provider");
  if (provider !== "github" && provider !== "oidc") return;
  const callbackUrl = formData.get("callbackUrl");
  await signIn(provider, { redirectTo: safeCallbackPath(typeof callbackUrl === "string" ? callbackUrl : undefined) });
}
