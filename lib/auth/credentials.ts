import { CredentialsSignin } from "@auth/core/errors";
import { markLoginSucceeded, reserveLoginAttempt } from "@/db/queries/login-attempts";
import { findUserForSignIn, markSignedIn, pickSignInOrganization } from "@/db/queries/users";
import { recordAudit } from "@/lib/audit/record";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { clientAddressFrom } from "@/lib/net/client-address";
import { verifyAgainstDummy, verifyPassword } from "./password";
import { signInSchema } from "./schemas";
import { SignInRefused } from "./sign-in-refused";
import { evaluateThrottle } from "./throttle";

export const THROTTLED_CODE_PREFIX = "throttled:";

/**
 * Thrown from `authorize` when the email or IP has used up its failure budget. Auth.js hands only `code` on to
 * the caller, so the wait travels inside it: `throttled:<seconds>`.
 */
export class SignInThrottled extends CredentialsSignin {
  constructor(readonly retryAfterSeconds: number) {
    super();
    this.code = `${THROTTLED_CODE_PREFIX}${retryAfterSeconds}`;
  }
}

export interface AuthorizedUser {
  id: string;
  email: string;
  name: string;
  orgId: string;
  isAdmin: boolean;
}

/**
 * The Credentials provider's check: throttle, then the password. Null for any wrong email or password (the same
 * answer, in the same time, for both); throws SignInThrottled when the budget is spent.
 */
export async function authorizeWithPassword(raw: unknown, request: Pick<Request, "headers">): Promise<AuthorizedUser | null> {
  const parsed = signInSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  const ip = clientAddressFrom(request.headers, env.trustedProxyHops);
  const now = new Date();
  const since = new Date(now.getTime() - env.loginThrottle.windowMinutes * 60_000);

  // The attempt is recorded as a failure in the same step as the count, before the password is checked: parallel
  // guesses cannot all pass a count that none of them has added to yet.
  const reservation = await reserveLoginAttempt({
    email,
    ip,
    since,
    now,
    refuse: (counts) => {
      const verdict = evaluateThrottle(counts, env.loginThrottle, now);
      return verdict.limited ? verdict : undefined;
    },
  });
  if (!reservation.reserved) {
    const { retryAfterSeconds } = reservation.refusal;
    logger.warn("sign-in throttled", { email, ip, retryAfterSeconds });
    throw new SignInThrottled(retryAfterSeconds);
  }

  const user = await findUserForSignIn(email);
  const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);
  if (!user || !ok) {
    logger.info("sign-in failed", { email, ip });
    // Platform-wide (no organization): a person may belong to several, and an unknown email to none.
    await recordAudit({
      organizationId: null,
      actor: user ? { type: "user", id: user.id, email: user.email } : { type: "system" },
      action: "sign_in.failed",
      ip,
      changes: { email, reason: user ? "wrong password" : "no account with this email" },
    });
    return null;
  }
  // Only after a correct password may the answer say that the person has no organization to sign in to.
  const landing = await pickSignInOrganization(user.id);
  if (!landing.ok) throw new SignInRefused(landing.reason);
  await Promise.all([
    markLoginSucceeded({ attemptId: reservation.attemptId, email, ip }),
    markSignedIn(user.id),
    recordAudit({ organizationId: landing.orgId, actor: { type: "user", id: user.id, email: user.email }, action: "sign_in.succeeded", ip, changes: { method: "password" } }),
  ]);
  return { id: user.id, email: user.email, name: user.name, orgId: landing.orgId, isAdmin: user.isPlatformAdmin };
}
