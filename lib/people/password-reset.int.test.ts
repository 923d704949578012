import { and, desc, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  delete process.env.SMTP_URL;
});

const { closeDb, getDb } = await import("@/db");
const { accountTokens, auditEvents, emails } = await import("@/db/schema");
const { runPublicAction } = await import("./public-action");
const { requestResetSchema, resetPasswordSchema } = await import("@/app/(auth)/reset-password/schemas");
const { inspectResetToken, requestPasswordReset, resetPassword, RESET_REQUESTS_PER_EMAIL } = await import("./password-reset");
const { getContextForSession } = await import("@/db/queries/users");
const { authorizeWithPassword } = await import("@/lib/auth/credentials");
const { env } = await import("@/lib/env");
const { addTestMember, createTestOrganization } = await import("@/testing/organization");
const { signedInContextFor } = await import("@/testing/session");

afterAll(async () => {
  await closeDb();
});

const unique = () => Math.random().toString(36).slice(2, 10);
let ipCounter = 0;
const freshIp = () => `192.0.2.${(ipCounter += 1)}`;
const now = (work: () => Promise<void>) => void work();

async function resetEmailsTo(to: string) {
  const db = await getDb();
  return db.select().from(emails).where(and(eq(emails.to, to), eq(emails.template, "password-reset"))).orderBy(desc(emails.createdAt));
}

async function until<T>(read: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function person(password = "the old password 1") {
  const org = await createTestOrganization("reset");
  return addTestMember(org.org.id, { label: `reset-${unique()}`, password });
}

describe("password reset", () => {
  it("answers an existing and an unknown address identically, and does the address-dependent work only after answering", async () => {
    const known = await person();
    const unknown = `nobody-${unique()}@example.com`;
    const held: (() => Promise<void>)[] = [];
    const hold = (work: () => Promise<void>) => void held.push(work);

    const a = await requestPasswordReset({ email: known.email, ip: freshIp() }, hold);
    const b = await requestPasswordReset({ email: unknown, ip: freshIp() }, hold);
    expect(a.message.replace(known.email, "X")).toBe(b.message.replace(unknown, "X"));
    // Nothing about the account happened before the answer: no token, no email yet.
    const db = await getDb();
    expect(await db.select().from(accountTokens).where(eq(accountTokens.userId, known.user.id))).toEqual([]);
    expect(await resetEmailsTo(known.email)).toEqual([]);

    for (const work of held) await work();
    expect(await resetEmailsTo(known.email)).toHaveLength(1);
    expect(await resetEmailsTo(unknown)).toEqual([]);

    // The same through the action's schema: a malformed address is refused the same way for everyone.
    const bad = await runPublicAction(requestResetSchema, async () => ({ message: "x" }), { email: "not-an-address" });
    expect(bad.ok === false && bad.error.fieldErrors?.email?.[0]).toMatch(/valid email/);
  });

  it("takes the same time for an existing and an unknown address", async () => {
    const known = await person();
    const hold = () => undefined;
    const time = async (email: string) => {
      const started = performance.now();
      await requestPasswordReset({ email, ip: freshIp() }, hold);
      return performance.now() - started;
    };
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const knownTimes: number[] = [];
    const unknownTimes: number[] = [];
    for (let i = 0; i < RESET_REQUESTS_PER_EMAIL; i += 1) {
      knownTimes.push(await time(known.email));
      unknownTimes.push(await time(`nobody-${unique()}@example.com`));
    }
    // The same two throttle statements either way. Without the deferral the known address would add a lookup, a
    // transaction with four writes and a render (about 3x the throttle's time here); the margin allows for a busy
    // machine's noise, not for that.
    const [k, u] = [median(knownTimes), median(unknownTimes)];
    expect(Math.abs(k - u)).toBeLessThan(Math.max(40, 0.5 * Math.max(k, u)));
  });

  it("the emailed link sets a new password once, ends every session, and older links stop working", async () => {
    const someone = await person("the old password 1");
    const browser = await signedInContextFor(someone.email);
    await requestPasswordReset({ email: someone.email, ip: freshIp() }, now);
    const first = (await until(async () => (await resetEmailsTo(someone.email))[0]))!.link!.split("/reset-password/")[1]!;
    await requestPasswordReset({ email: someone.email, ip: freshIp() }, now);
    const second = await until(async () => {
      const [latest] = await resetEmailsTo(someone.email);
      const token = latest?.link?.split("/reset-password/")[1];
      return token && token !== first ? token : undefined;
    });
    expect((await inspectResetToken(first)).state).toBe("invalid");
    expect(await inspectResetToken(second)).toEqual({ state: "valid", email: someone.email });

    const weak = await runPublicAction(resetPasswordSchema, resetPassword, { token: second, password: "short", confirm: "short" });
    expect(weak.ok === false && weak.error.fieldErrors?.password?.[0]).toMatch(/at least 12/);

    expect(await resetPassword({ token: second, password: "the new password 2" })).toEqual({ email: someone.email });
    expect(await getContextForSession({ sessionId: browser.sessionId, userId: someone.user.id })).toBeUndefined();
    expect(await authorizeWithPassword({ email: someone.email, password: "the old password 1" }, { headers: new Headers() })).toBeNull();
    expect(await authorizeWithPassword({ email: someone.email, password: "the new password 2" }, { headers: new Headers() })).toMatchObject({ id: someone.user.id });
    const db = await getDb();
    const [audit] = await db.select().from(auditEvents).where(and(eq(auditEvents.actorId, someone.user.id), eq(auditEvents.action, "password.reset")));
    expect(audit).toBeDefined();

    await expect(resetPassword({ token: second, password: "the new password 3" })).rejects.toMatchObject({ code: "conflict:reset_token_used" });
    expect((await inspectResetToken(second)).state).toBe("used");
  });

  it("an expired link is refused and says so", async () => {
    const someone = await person();
    await requestPasswordReset({ email: someone.email, ip: freshIp() }, now);
    const token = (await until(async () => (await resetEmailsTo(someone.email))[0]))!.link!.split("/reset-password/")[1]!;
    const db = await getDb();
    await db.update(accountTokens).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(accountTokens.userId, someone.user.id));
    expect((await inspectResetToken(token)).state).toBe("expired");
    await expect(resetPassword({ token, password: "the new password 2" })).rejects.toMatchObject({ code: "conflict:reset_token_expired" });
    await expect(resetPassword({ token: "x".repeat(43), password: "the new password 2" })).rejects.toMatchObject({ code: "not_found:reset_token" });
  });

  it("is throttled per email (whether it has an account or not) and per IP", async () => {
    for (const email of [(await person()).email, `nobody-${unique()}@example.com`]) {
      for (let i = 0; i < RESET_REQUESTS_PER_EMAIL; i += 1) await requestPasswordReset({ email, ip: freshIp() }, () => undefined);
      await expect(requestPasswordReset({ email, ip: freshIp() }, () => undefined)).rejects.toMatchObject({ code: "rate_limited:password_reset" });
    }
    const ip = freshIp();
    for (let i = 0; i < env.loginThrottle.maxFailuresPerIp; i += 1) {
      await requestPasswordReset({ email: `spray-${i}-${unique()}@example.com`, ip }, () => undefined);
    }
    const refused = requestPasswordReset({ email: `spray-last-${unique()}@example.com`, ip }, () => undefined);
    await expect(refused).rejects.toMatchObject({ code: "rate_limited:password_reset" });
    await expect(refused).rejects.toThrow(/Try again in/);
  });

  it("holds its per-email budget under 50 requests at once", async () => {
    const email = `burst-${unique()}@example.com`;
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => requestPasswordReset({ email, ip: freshIp() }, () => undefined)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(RESET_REQUESTS_PER_EMAIL);
  });
});
