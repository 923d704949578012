import { and, eq, isNull, sql } from "drizzle-orm";
import type { z } from "zod";
import type { changeEmailSchema, changePasswordSchema, confirmEmailSchema } from "@/app/(portal)/settings/schemas";
import { getDb, type Db } from "@/db";
import { endUserSessions } from "@/db/queries/auth-sessions";
import { takeRateLimitSlot } from "@/db/queries/rate-limits";
import { getPasswordHash, type SessionContext } from "@/db/queries/users";
import { accountTokens, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { actorOf, requestIp } from "@/lib/audit/request";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "@/lib/auth/password";
import { describeRetryAfter } from "@/lib/auth/throttle";
import { queueEmail } from "@/lib/email";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { requireBrowserSession } from "./sessions";
import { EMAIL_CHANGE_TTL_MS, hashToken, newToken, portalLink, TOKEN_PATTERN } from "./tokens";
import { isUniqueViolation } from "./unique";

/** Current-password checks per person in 15 minutes: a borrowed session cannot guess its way to a password change. */
const PASSWORD_CHECKS_PER_WINDOW = 10;
const WINDOW_MS = 15 * 60_000;

/**
 * Checks the signed-in person's current password, within a budget of attempts. People who sign in only through
 * GitHub or OIDC have none: they set one through "Forgot password?".
 */
async function assertCurrentPassword(ctx: SessionContext, password: string): Promise<void> {
  const slot = await takeRateLimitSlot({ key: `current-password:${ctx.user.id}`, limit: PASSWORD_CHECKS_PER_WINDOW, windowMs: WINDOW_MS });
  if (!slot.taken) {
    throw new AppError("rate_limited:current_password", { message: `Too many attempts with your current password. ${describeRetryAfter(slot.retryAfterSeconds)}` });
  }
  const stored = await getPasswordHash({ userId: ctx.user.id });
  if (!stored) {
    await verifyAgainstDummy(password);
    throw new AppError("bad_request:no_password", {
      message: "Your account has no password yet (you sign in with GitHub or single sign-on). Set one with “Forgot password?” on the sign-in page.",
    });
  }
  if (!(await verifyPassword(stored, password))) {
    throw new AppError("bad_request:current_password", {
      message: "That is not your current password.",
      fieldErrors: { currentPassword: ["That is not your current password."] },
    });
  }
}

/**
 * Changes the signed-in person's password (the current one is required). Every other session of theirs ends; this
 * browser stays signed in, because its session row is the one kept.
 */
export async function changePassword(input: z.output<typeof changePasswordSchema>, ctx: SessionContext): Promise<{ endedSessions: number }> {
  const sessionId = requireBrowserSession(ctx);
  await assertCurrentPassword(ctx, input.currentPassword);
  const passwordHash = await hashPassword(input.newPassword);
  const db = await getDb();
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, ctx.user.id));
    // A reset link sent before the change must not undo it.
    await tx.delete(accountTokens).where(and(eq(accountTokens.userId, ctx.user.id), eq(accountTokens.purpose, "password_reset"), isNull(accountTokens.usedAt)));
    await recordAudit({ organizationId: ctx.org.id, actor: actorOf(ctx), action: "password.changed", target: { type: "user", id: ctx.user.id }, ip: await requestIp() }, { tx });
  });
  const endedSessions = await endUserSessions({ userId: ctx.user.id, except: sessionId, reason: "password_changed" });
  return { endedSessions };
}

/** The answer to an email change request, the same whether the new address is free or not. */
export function emailChangeRequestedMessage(email: string): string {
  return `We sent a confirmation link to ${email}. Open it while signed in here within 24 hours; until then you keep signing in with your current address.`;
}

/** The link an email-change confirmation carries (a portal page: it needs the account's session). */
export function emailChangeLink(token: string): string {
  return portalLink(`/confirm-email/${token}`);
}

/**
 * Starts an email change: after the current password, a confirmation link goes to the new address. An address that
 * belongs to another account gets no email, but the answer is the same, so the form cannot be used to find out
 * which addresses have accounts.
 */
export async function requestEmailChange(input: z.output<typeof changeEmailSchema>, ctx: SessionContext): Promise<{ message: string }> {
  await assertCurrentPassword(ctx, input.currentPassword);
  const newEmail = input.newEmail;
  if (newEmail === ctx.user.email.toLowerCase()) {
    throw new AppError("bad_request:same_email", { message: "That is already your email.", fieldErrors: { newEmail: ["That is already your email."] } });
  }
  const db = await getDb();
  const [taken] = await db.select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, newEmail)).limit(1);
  const { token, hash } = newToken();
  const expiresAt = new Date(Date.now() + EMAIL_CHANGE_TTL_MS);
  await db.transaction(async (tx) => {
    await tx.delete(accountTokens).where(and(eq(accountTokens.userId, ctx.user.id), eq(accountTokens.purpose, "email_change"), isNull(accountTokens.usedAt)));
    if (!taken) {
      await tx.insert(accountTokens).values({ id: newId("tok"), userId: ctx.user.id, purpose: "email_change", tokenHash: hash, newEmail, expiresAt });
      await queueEmail(
        {
          to: newEmail,
          template: "email-change",
          data: { name: ctx.user.name, oldEmail: ctx.user.email, newEmail, link: emailChangeLink(token), expiresAt },
          userId: ctx.user.id,
        },
        { tx },
      );
    }
    await recordAudit(
      {
        organizationId: ctx.org.id,
        actor: actorOf(ctx),
        action: "profile.email_change_requested",
        target: { type: "user", id: ctx.user.id },
        ip: await requestIp(),
        changes: { email: { from: ctx.user.email, to: newEmail } },
      },
      { tx },
    );
  });
  return { message: emailChangeRequestedMessage(newEmail) };
}

export type EmailChangeState = { state: "valid"; newEmail: string } | { state: "invalid" | "expired" | "used" | "foreign" };

/** What an email-change link is, for the signed-in person opening it. */
export async function inspectEmailChange(token: string, ctx: SessionContext): Promise<EmailChangeState> {
  if (!TOKEN_PATTERN.test(token)) return { state: "invalid" };
  const db = await getDb();
  const [row] = await db
    .select({ userId: accountTokens.userId, newEmail: accountTokens.newEmail, usedAt: accountTokens.usedAt, expiresAt: accountTokens.expiresAt })
    .from(accountTokens)
    .where(and(eq(accountTokens.tokenHash, hashToken(token)), eq(accountTokens.purpose, "email_change")))
    .limit(1);
  if (!row?.newEmail) return { state: "invalid" };
  if (row.userId !== ctx.user.id) return { state: "foreign" };
  if (row.usedAt) return { state: "used" };
  if (row.expiresAt <= new Date()) return { state: "expired" };
  return { state: "valid", newEmail: row.newEmail };
}

export const EMAIL_CHANGE_MESSAGES = {
  invalid: "This confirmation link is not valid. Check that the whole link was copied, or change your email again in Settings.",
  expired: "This confirmation link has expired (links work for 24 hours). Change your email again in Settings.",
  used: "This confirmation link was already used.",
  foreign: "This confirmation link belongs to another account. Sign in with the account that asked for the change, then open it again.",
} as const;

/**
 * Confirms an email change: only the account that asked, signed in, within 24 hours, once. The person's other
 * sessions end (the address they sign in with changed).
 */
export async function confirmEmailChange(input: z.output<typeof confirmEmailSchema>, ctx: SessionContext): Promise<{ email: string }> {
  const db = await getDb();
  const ip = await requestIp();
  const email = await confirmInTransaction(db, input.token, ctx, ip).catch((error: unknown) => {
    // Another account took the address between the check and the update.
    if (isUniqueViolation(error)) throw new AppError("conflict:email_taken", { message: "That address now belongs to another account, so it cannot become yours." });
    throw error;
  });
  await endUserSessions({ userId: ctx.user.id, except: ctx.sessionId, reason: "email_changed" });
  return { email };
}

async function confirmInTransaction(db: Db, token: string, ctx: SessionContext, ip: string | undefined): Promise<string> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: accountTokens.id, userId: accountTokens.userId, newEmail: accountTokens.newEmail, usedAt: accountTokens.usedAt, expiresAt: accountTokens.expiresAt })
      .from(accountTokens)
      .where(and(eq(accountTokens.tokenHash, hashToken(token)), eq(accountTokens.purpose, "email_change")))
      .for("update");
    if (!row?.newEmail) throw new AppError("not_found:email_change", { message: EMAIL_CHANGE_MESSAGES.invalid });
    if (row.userId !== ctx.user.id) throw new AppError("forbidden:email_change_foreign", { message: EMAIL_CHANGE_MESSAGES.foreign });
    if (row.usedAt) throw new AppError("conflict:email_change_used", { message: EMAIL_CHANGE_MESSAGES.used });
    if (row.expiresAt <= new Date()) throw new AppError("conflict:email_change_expired", { message: EMAIL_CHANGE_MESSAGES.expired });
    const [taken] = await tx.select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, row.newEmail)).limit(1);
    if (taken) throw new AppError("conflict:email_taken", { message: `${row.newEmail} now belongs to another account, so it cannot become yours.` });
    await tx.update(users).set({ email: row.newEmail, updatedAt: new Date() }).where(eq(users.id, ctx.user.id));
    await tx.update(accountTokens).set({ usedAt: new Date() }).where(eq(accountTokens.id, row.id));
    await recordAudit(
      {
        organizationId: ctx.org.id,
        actor: actorOf(ctx),
        action: "profile.email_changed",
        target: { type: "user", id: ctx.user.id },
        ip,
        changes: { email: { from: ctx.user.email, to: row.newEmail } },
      },
      { tx },
    );
    return row.newEmail;
  });
}

/** Signs the person out everywhere except this browser. */
export async function endOtherSessions(_input: unknown, ctx: SessionContext): Promise<{ endedSessions: number }> {
  const sessionId = requireBrowserSession(ctx);
  const endedSessions = await endUserSessions({ userId: ctx.user.id, except: sessionId, reason: "signed_out_elsewhere" });
  await recordAudit({
    organizationId: ctx.org.id,
    actor: actorOf(ctx),
    action: "session.others_ended",
    target: { type: "user", id: ctx.user.id },
    ip: await requestIp(),
    changes: { sessions: endedSessions },
  });
  return { endedSessions };
}
