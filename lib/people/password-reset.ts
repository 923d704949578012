import { and, eq, isNull, ne } from "drizzle-orm";
import { getDb } from "@/db";
import { endUserSessions } from "@/db/queries/auth-sessions";
import { releaseRateLimitSlot, takeRateLimitSlot } from "@/db/queries/rate-limits";
import { findUserForSignIn } from "@/db/queries/users";
import { accountTokens, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { hashPassword } from "@/lib/auth/password";
import { describeRetryAfter } from "@/lib/auth/throttle";
import { queueEmail } from "@/lib/email";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { logger } from "@/lib/logger";
import { hashToken, newToken, PASSWORD_RESET_TTL_MS, portalLink, TOKEN_PATTERN } from "./tokens";

/** Reset requests per email in the sign-in window: each one sends an email, so fewer than sign-in guesses. */
export const RESET_REQUESTS_PER_EMAIL = 5;

/** The one answer to every reset request that was not throttled, whether the address has an account or not. */
export function resetRequestedMessage(email: string): string {
  return `If ${email} belongs to a Herald account, we sent it a link to choose a new password. The link works once, for 30 minutes. Check your spam folder if nothing arrives.`;
}

/** Runs work after the answer is sent (Next's `after` in a request; tests may run it at once or hold it). */
export type Defer = (work: () => Promise<void>) => void;

/**
 * "Forgot password?": throttled per email and per IP like sign-in, then answered at once with the same message for
 * every address. Everything that depends on whether the address has an account (looking it up, the token, the
 * email) happens in `defer`, after the answer: the answer can then differ neither in content nor in time.
 */
export async function requestPasswordReset({ email, ip }: { email: string; ip: string }, defer: Defer): Promise<{ message: string }> {
  const windowMs = env.loginThrottle.windowMinutes * 60_000;
  const byEmail = await takeRateLimitSlot({ key: `password-reset:email:${email}`, limit: RESET_REQUESTS_PER_EMAIL, windowMs });
  if (!byEmail.taken) throw throttled(byEmail.retryAfterSeconds);
  const byIp = await takeRateLimitSlot({ key: `password-reset:ip:${ip}`, limit: env.loginThrottle.maxFailuresPerIp, windowMs });
  if (!byIp.taken) {
    await releaseRateLimitSlot(byEmail.hitId);
    throw throttled(byIp.retryAfterSeconds);
  }
  defer(async () => {
    try {
      await sendResetLink({ email, ip });
    } catch (error) {
      logger.error("password reset email failed", { error });
    }
  });
  return { message: resetRequestedMessage(email) };
}

function throttled(retryAfterSeconds: number): AppError {
  return new AppError("rate_limited:password_reset", { message: `Too many password reset requests. ${describeRetryAfter(retryAfterSeconds)}` });
}

/** The link a reset email carries. */
export function resetLink(token: string): string {
  return portalLink(`/reset-password/${token}`);
}

/** Issues a reset token for the address's account, if there is one, and emails the link. A new link replaces older ones. */
export async function sendResetLink({ email, ip }: { email: string; ip?: string | null }): Promise<boolean> {
  const user = await findUserForSignIn(email);
  if (!user) {
    logger.info("password reset asked for an address without an account", { ip });
    return false;
  }
  const { token, hash } = newToken();
  const expiresAt = new Date(Date.now() + PASSWORD_RESET_TTL_MS);
  const db = await getDb();
  await db.transaction(async (tx) => {
    await tx.delete(accountTokens).where(and(eq(accountTokens.userId, user.id), eq(accountTokens.purpose, "password_reset"), isNull(accountTokens.usedAt)));
    await tx.insert(accountTokens).values({ id: newId("tok"), userId: user.id, purpose: "password_reset", tokenHash: hash, expiresAt });
    await queueEmail({ to: user.email, template: "password-reset", data: { name: user.name, link: resetLink(token), expiresAt }, userId: user.id }, { tx });
    await recordAudit(
      { organizationId: null, actor: { type: "user", id: user.id, email: user.email }, action: "password.reset_requested", target: { type: "user", id: user.id }, ip },
      { tx },
    );
  });
  return true;
}

export type ResetTokenState = "valid" | "expired" | "used" | "invalid";

/** What a reset link is, for its page (the address is the one the link was sent to). */
export async function inspectResetToken(token: string): Promise<{ state: ResetTokenState; email?: string }> {
  if (!TOKEN_PATTERN.test(token)) return { state: "invalid" };
  const db = await getDb();
  const [row] = await db
    .select({ usedAt: accountTokens.usedAt, expiresAt: accountTokens.expiresAt, email: users.email })
    .from(accountTokens)
    .innerJoin(users, eq(users.id, accountTokens.userId))
    .where(and(eq(accountTokens.tokenHash, hashToken(token)), eq(accountTokens.purpose, "password_reset")))
    .limit(1);
  if (!row) return { state: "invalid" };
  if (row.usedAt) return { state: "used" };
  if (row.expiresAt <= new Date()) return { state: "expired" };
  return { state: "valid", email: row.email };
}

export const RESET_MESSAGES: Record<Exclude<ResetTokenState, "valid">, string> = {
  invalid: "This password reset link is not valid. Check that the whole link was copied, or ask for a new one.",
  expired: "This password reset link has expired: links work for 30 minutes. Ask for a new one.",
  used: "This password reset link was already used. If you still cannot sign in, ask for a new one.",
};

/**
 * Sets a new password through a reset link: once, within 30 minutes. Every session of the person ends (whoever
 * knew the old password is out), and other open reset links stop working.
 */
export async function resetPassword({ token, password }: { token: string; password: string }, ip?: string | null): Promise<{ email: string }> {
  if (!TOKEN_PATTERN.test(token)) throw new AppError("not_found:reset_token", { message: RESET_MESSAGES.invalid });
  const passwordHash = await hashPassword(password);
  const db = await getDb();
  const user = await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: accountTokens.id, userId: accountTokens.userId, usedAt: accountTokens.usedAt, expiresAt: accountTokens.expiresAt, email: users.email })
      .from(accountTokens)
      .innerJoin(users, eq(users.id, accountTokens.userId))
      .where(and(eq(accountTokens.tokenHash, hashToken(token)), eq(accountTokens.purpose, "password_reset")))
      .for("update", { of: accountTokens });
    if (!row) throw new AppError("not_found:reset_token", { message: RESET_MESSAGES.invalid });
    if (row.usedAt) throw new AppError("conflict:reset_token_used", { message: RESET_MESSAGES.used });
    if (row.expiresAt <= new Date()) throw new AppError("conflict:reset_token_expired", { message: RESET_MESSAGES.expired });
    await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, row.userId));
    await tx.update(accountTokens).set({ usedAt: new Date() }).where(eq(accountTokens.id, row.id));
    await tx
      .delete(accountTokens)
      .where(and(eq(accountTokens.userId, row.userId), eq(accountTokens.purpose, "password_reset"), isNull(accountTokens.usedAt), ne(accountTokens.id, row.id)));
    await recordAudit(
      { organizationId: null, actor: { type: "user", id: row.userId, email: row.email }, action: "password.reset", target: { type: "user", id: row.userId }, ip },
      { tx },
    );
    return { id: row.userId, email: row.email };
  });
  await endUserSessions({ userId: user.id, reason: "password_reset" });
  return { email: user.email };
}
