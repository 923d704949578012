import { and, desc, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  delete process.env.SMTP_URL;
});

const { closeDb, getDb } = await import("@/db");
const { accountTokens, auditEvents, emails, users } = await import("@/db/schema");
const { runAction } = await import("@/lib/action");
const schemas = await import("@/app/(portal)/settings/schemas");
const profile = await import("./profile");
const { getContextForSession } = await import("@/db/queries/users");
const { authorizeWithPassword } = await import("@/lib/auth/credentials");
const { addTestMember, createTestOrganization } = await import("@/testing/organization");
const { signedInContextFor } = await import("@/testing/session");

afterAll(async () => {
  await closeDb();
});

const unique = () => Math.random().toString(36).slice(2, 10);

async function someone(password = "my current password") {
  const org = await createTestOrganization("profile");
  const member = await addTestMember(org.org.id, { label: `profile-${unique()}`, password });
  return { email: member.email, browser: await signedInContextFor(member.email), other: await signedInContextFor(member.email) };
}

async function emailChangeLinkTo(to: string) {
  const db = await getDb();
  const [row] = await db.select().from(emails).where(and(eq(emails.to, to), eq(emails.template, "email-change"))).orderBy(desc(emails.createdAt)).limit(1);
  return row?.link?.split("/confirm-email/")[1];
}

describe("password change", () => {
  it("needs the current password, ends every other session and keeps this one", async () => {
    const { email, browser, other } = await someone();
    const wrong = await runAction(browser, schemas.changePasswordSchema, profile.changePassword, { currentPassword: "nope", newPassword: "a brand new password", confirm: "a brand new password" });
    expect(wrong.ok === false && wrong.error.fieldErrors?.currentPassword?.[0]).toBe("That is not your current password.");
    const mismatch = await runAction(browser, schemas.changePasswordSchema, profile.changePassword, { currentPassword: "my current password", newPassword: "a brand new password", confirm: "a different one!!" });
    expect(mismatch.ok === false && mismatch.error.fieldErrors?.confirm?.[0]).toMatch(/differ/);

    const changed = await runAction(browser, schemas.changePasswordSchema, profile.changePassword, {
      currentPassword: "my current password",
      newPassword: "a brand new password",
      confirm: "a brand new password",
    });
    expect(changed).toEqual({ ok: true, data: { endedSessions: 1 } });
    expect(await getContextForSession({ sessionId: browser.sessionId, userId: browser.user.id })).toBeDefined();
    expect(await getContextForSession({ sessionId: other.sessionId, userId: other.user.id })).toBeUndefined();
    expect(await authorizeWithPassword({ email, password: "a brand new password" }, { headers: new Headers() })).not.toBeNull();
    const db = await getDb();
    const [audit] = await db.select().from(auditEvents).where(and(eq(auditEvents.actorId, browser.user.id), eq(auditEvents.action, "password.changed")));
    expect(audit?.organizationId).toBe(browser.org.id);
    expect(JSON.stringify(audit)).not.toContain("brand new");
  });

  it("limits current-password guesses", async () => {
    const { browser } = await someone();
    for (let i = 0; i < 10; i += 1) {
      await runAction(browser, schemas.changePasswordSchema, profile.changePassword, { currentPassword: `guess ${i}`, newPassword: "a brand new password", confirm: "a brand new password" });
    }
    const limited = await runAction(browser, schemas.changePasswordSchema, profile.changePassword, {
      currentPassword: "my current password",
      newPassword: "a brand new password",
      confirm: "a brand new password",
    });
    expect(limited.ok === false && limited.error.code).toBe("rate_limited:current_password");
  });

  it("tells someone without a password (GitHub/OIDC) how to set one", async () => {
    const org = await createTestOrganization("nopass");
    const ctx = await signedInContextFor(org.user.email);
    const result = await runAction(ctx, schemas.changePasswordSchema, profile.changePassword, { currentPassword: "anything", newPassword: "a brand new password", confirm: "a brand new password" });
    expect(result.ok === false && result.error.code).toBe("bad_request:no_password");
  });
});

describe("email change", () => {
  it("sends a link to the new address; only this account, signed in, confirms it, once; other sessions end", async () => {
    const { email, browser, other } = await someone();
    const newEmail = `New-${unique()}@Example.com`;
    const asked = await runAction(browser, schemas.changeEmailSchema, profile.requestEmailChange, { newEmail, currentPassword: "my current password" });
    expect(asked.ok && asked.data.message).toMatch(/We sent a confirmation link to new-/);
    const token = await emailChangeLinkTo(newEmail.toLowerCase());
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const stranger = await signedInContextFor((await createTestOrganization("stranger")).user.email);
    expect(await profile.inspectEmailChange(token!, stranger)).toEqual({ state: "foreign" });
    const foreign = await runAction(stranger, schemas.confirmEmailSchema, profile.confirmEmailChange, { token });
    expect(foreign.ok === false && foreign.error.code).toBe("forbidden:email_change_foreign");

    expect(await profile.inspectEmailChange(token!, browser)).toEqual({ state: "valid", newEmail: newEmail.toLowerCase() });
    const confirmed = await runAction(browser, schemas.confirmEmailSchema, profile.confirmEmailChange, { token });
    expect(confirmed).toEqual({ ok: true, data: { email: newEmail.toLowerCase() } });
    expect(await getContextForSession({ sessionId: other.sessionId, userId: other.user.id })).toBeUndefined();
    expect((await getContextForSession({ sessionId: browser.sessionId, userId: browser.user.id }))?.user.email).toBe(newEmail.toLowerCase());
    expect(await authorizeWithPassword({ email, password: "my current password" }, { headers: new Headers() })).toBeNull();
    expect(await authorizeWithPassword({ email: newEmail, password: "my current password" }, { headers: new Headers() })).not.toBeNull();
    const reuse = await runAction(browser, schemas.confirmEmailSchema, profile.confirmEmailChange, { token });
    expect(reuse.ok === false && reuse.error.code).toBe("conflict:email_change_used");
  });

  it("answers the same for an address that belongs to another account, and sends nothing there", async () => {
    const { browser } = await someone();
    const taken = (await createTestOrganization("taken")).user.email;
    const asked = await runAction(browser, schemas.changeEmailSchema, profile.requestEmailChange, { newEmail: taken, currentPassword: "my current password" });
    expect(asked.ok && asked.data.message).toBe(profile.emailChangeRequestedMessage(taken));
    expect(await emailChangeLinkTo(taken)).toBeUndefined();
    const wrong = await runAction(browser, schemas.changeEmailSchema, profile.requestEmailChange, { newEmail: `x-${unique()}@example.com`, currentPassword: "wrong" });
    expect(wrong.ok === false && wrong.error.fieldErrors?.currentPassword).toBeDefined();
  });

  it("refuses an expired link, and an address taken after the link was sent", async () => {
    const { browser } = await someone();
    const newEmail = `later-${unique()}@example.com`;
    await runAction(browser, schemas.changeEmailSchema, profile.requestEmailChange, { newEmail, currentPassword: "my current password" });
    const token = (await emailChangeLinkTo(newEmail))!;
    const db = await getDb();
    await db.insert(users).values({ id: `usr_${unique()}${unique()}`.slice(0, 24), email: newEmail, name: "Quick" });
    const taken = await runAction(browser, schemas.confirmEmailSchema, profile.confirmEmailChange, { token });
    expect(taken.ok === false && taken.error.code).toBe("conflict:email_taken");

    const another = `expired-${unique()}@example.com`;
    await runAction(browser, schemas.changeEmailSchema, profile.requestEmailChange, { newEmail: another, currentPassword: "my current password" });
    const expiredToken = (await emailChangeLinkTo(another))!;
    await db.update(accountTokens).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(accountTokens.newEmail, another));
    const expired = await runAction(browser, schemas.confirmEmailSchema, profile.confirmEmailChange, { token: expiredToken });
    expect(expired.ok === false && expired.error.code).toBe("conflict:email_change_expired");
  });
});

describe("sessions", () => {
  it("signs out every other browser and keeps this one", async () => {
    const { browser, other } = await someone();
    const third = await signedInContextFor(browser.user.email);
    const ended = await runAction(browser, schemas.endOtherSessionsSchema, profile.endOtherSessions, {});
    expect(ended).toEqual({ ok: true, data: { endedSessions: 2 } });
    expect(await getContextForSession({ sessionId: browser.sessionId, userId: browser.user.id })).toBeDefined();
    for (const s of [other, third]) expect(await getContextForSession({ sessionId: s.sessionId, userId: s.user.id })).toBeUndefined();
  });
});
