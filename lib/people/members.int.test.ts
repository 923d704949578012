import { and, desc, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  delete process.env.SMTP_URL;
});

const { closeDb, getDb } = await import("@/db");
const { auditEvents, emails, invitations, memberships, users } = await import("@/db/schema");
const { runAction } = await import("@/lib/action");
const schemas = await import("@/app/(portal)/settings/members/schemas");
const members = await import("./members");
const { acceptInvitation, acceptInvitationAsNewPerson, inspectInvitation, joinInvitationsByVerifiedEmail } = await import("./invitations");
const { getContextForSession } = await import("@/db/queries/users");
const { verifyPassword } = await import("@/lib/auth/password");
const { addTestMember, createTestOrganization } = await import("@/testing/organization");
const { signedInContextFor } = await import("@/testing/session");

afterAll(async () => {
  await closeDb();
});

const unique = () => Math.random().toString(36).slice(2, 10);

/** The token of the newest invitation email to `to` (no SMTP in these tests: the email is kept with its link). */
async function tokenSentTo(to: string): Promise<string> {
  const db = await getDb();
  const [email] = await db.select().from(emails).where(and(eq(emails.to, to), eq(emails.template, "invitation"))).orderBy(desc(emails.createdAt)).limit(1);
  const token = email?.link?.split("/invite/")[1];
  if (!token) throw new Error(`no invitation email to ${to}`);
  return token;
}

async function roleOf(orgId: string, userId: string) {
  const db = await getDb();
  const [row] = await db.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.organizationId, orgId), eq(memberships.userId, userId)));
  return row?.role;
}

async function invite(ctx: Awaited<ReturnType<typeof createTestOrganization>>, email: string, role: "owner" | "member" = "member") {
  return runAction(ctx, schemas.inviteMemberSchema, members.inviteMember, { email, role });
}

describe("invitations", () => {
  it("an owner invites; the answer is the same for an address with an account elsewhere and a new one; members, duplicates and members-only callers are refused", async () => {
    const owner = await createTestOrganization("inv");
    const elsewhere = await createTestOrganization("elsewhere");
    const newcomer = `New.Person-${unique()}@Example.com`;
    const a = await invite(owner, newcomer);
    const b = await invite(owner, elsewhere.user.email);
    // No enumeration: both succeed with the same shape; nothing says whether an account exists.
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) {
      expect(Object.keys(a.data).sort()).toEqual(Object.keys(b.data).sort());
      expect(a.data.email).toBe(newcomer.toLowerCase());
    }
    const again = await invite(owner, newcomer);
    expect(again.ok === false && again.error.code).toBe("conflict:already_invited");
    const member = await invite(owner, owner.user.email);
    expect(member.ok === false && member.error.code).toBe("conflict:already_member");
    expect(member.ok === false && member.error.message).toMatch(/is already a member of/);

    const plain = await addTestMember(owner.org.id, { role: "member" });
    const byMember = await invite(plain, `x-${unique()}@example.com`);
    expect(byMember.ok === false && byMember.error.code).toBe("forbidden:owner_only");
    const bad = await runAction(owner, schemas.inviteMemberSchema, members.inviteMember, { email: "not an email\r\n", role: "admin" });
    expect(bad.ok === false && Object.keys(bad.error.fieldErrors ?? {}).sort()).toEqual(["email", "role"]);
  });

  it("someone new accepts with a name and a password: account, membership and a used link; the link works once", async () => {
    const owner = await createTestOrganization("newp");
    const email = `newp-${unique()}@example.com`;
    await invite(owner, email, "member");
    const token = await tokenSentTo(email);
    expect(await inspectInvitation(token)).toMatchObject({ state: "valid", email, accountExists: false, organizationId: owner.org.id });

    const joined = await acceptInvitationAsNewPerson({ token, name: "New Person", password: "a long enough password" });
    expect(joined).toEqual({ email, organizationId: owner.org.id });
    const db = await getDb();
    const [user] = await db.select().from(users).where(eq(users.email, email));
    expect(user?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(user!.passwordHash!, "a long enough password")).toBe(true);
    expect(await roleOf(owner.org.id, user!.id)).toBe("member");
    const [audit] = await db.select().from(auditEvents).where(and(eq(auditEvents.organizationId, owner.org.id), eq(auditEvents.action, "member.joined")));
    expect(audit?.actorId).toBe(user!.id);

    // Token reuse: refused, and says so.
    await expect(acceptInvitationAsNewPerson({ token, name: "Again", password: "a long enough password" })).rejects.toMatchObject({ code: "conflict:invitation_used" });
    expect((await inspectInvitation(token))?.state).toBe("used");
  });

  it("two acceptances of one link at the same moment: exactly one account", async () => {
    const owner = await createTestOrganization("race");
    const email = `race-${unique()}@example.com`;
    await invite(owner, email);
    const token = await tokenSentTo(email);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => acceptInvitationAsNewPerson({ token, name: `Racer ${i}`, password: "a long enough password" })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const db = await getDb();
    expect(await db.select().from(users).where(eq(users.email, email))).toHaveLength(1);
  });

  it("an existing account accepts when signed in as the invited address, and its browser moves there; anyone else is refused", async () => {
    const inviter = await createTestOrganization("exist");
    const home = await createTestOrganization("home");
    const invitee = await signedInContextFor(home.user.email, home.org.id);
    await invite(inviter, home.user.email, "owner");
    const token = await tokenSentTo(home.user.email);
    expect((await inspectInvitation(token))?.accountExists).toBe(true);

    // Someone else (signed in as another address) with the same link: refused, nothing joined.
    const stranger = await signedInContextFor((await createTestOrganization("stranger")).user.email);
    await expect(acceptInvitation({ token }, stranger)).rejects.toMatchObject({ code: "forbidden:invitation_foreign" });
    expect(await roleOf(inviter.org.id, stranger.user.id)).toBeUndefined();
    expect((await inspectInvitation(token))?.state).toBe("valid");

    const joined = await acceptInvitation({ token }, invitee);
    expect(joined.organizationId).toBe(inviter.org.id);
    expect(await roleOf(inviter.org.id, invitee.user.id)).toBe("owner");
    expect((await getContextForSession({ sessionId: invitee.sessionId, userId: invitee.user.id }))?.org.id).toBe(inviter.org.id);
    // Still a member of home too.
    expect(await roleOf(home.org.id, invitee.user.id)).toBe("owner");
    await expect(acceptInvitation({ token }, invitee)).rejects.toMatchObject({ code: "conflict:invitation_used" });
  });

  it("expired, revoked, resent and unknown links each say which", async () => {
    const owner = await createTestOrganization("states");
    const db = await getDb();
    const expiredEmail = `expired-${unique()}@example.com`;
    await invite(owner, expiredEmail);
    const expiredToken = await tokenSentTo(expiredEmail);
    await db.update(invitations).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(invitations.email, expiredEmail));
    expect((await inspectInvitation(expiredToken))?.state).toBe("expired");
    await expect(acceptInvitationAsNewPerson({ token: expiredToken, name: "Late", password: "a long enough password" })).rejects.toMatchObject({
      code: "conflict:invitation_expired",
    });
    // An expired invitation does not block a new one to the same address.
    expect((await invite(owner, expiredEmail)).ok).toBe(true);

    const revokedEmail = `revoked-${unique()}@example.com`;
    await invite(owner, revokedEmail);
    const revokedToken = await tokenSentTo(revokedEmail);
    const [row] = await db.select({ id: invitations.id }).from(invitations).where(eq(invitations.email, revokedEmail));
    expect((await runAction(owner, schemas.invitationRefSchema, members.revokeMemberInvitation, { id: row!.id })).ok).toBe(true);
    expect((await inspectInvitation(revokedToken))?.state).toBe("revoked");
    await expect(acceptInvitationAsNewPerson({ token: revokedToken, name: "No", password: "a long enough password" })).rejects.toMatchObject({
      code: "conflict:invitation_revoked",
    });

    const resentEmail = `resent-${unique()}@example.com`;
    await invite(owner, resentEmail);
    const first = await tokenSentTo(resentEmail);
    const [pending] = await db.select({ id: invitations.id }).from(invitations).where(eq(invitations.email, resentEmail));
    expect((await runAction(owner, schemas.invitationRefSchema, members.resendMemberInvitation, { id: pending!.id })).ok).toBe(true);
    const second = await tokenSentTo(resentEmail);
    expect(second).not.toBe(first);
    expect(await inspectInvitation(first)).toBeUndefined();
    expect((await inspectInvitation(second))?.state).toBe("valid");

    expect(await inspectInvitation("A".repeat(43))).toBeUndefined();
    expect(await inspectInvitation("../../etc/passwd")).toBeUndefined();
    await expect(acceptInvitationAsNewPerson({ token: "B".repeat(43), name: "x", password: "a long enough password" })).rejects.toMatchObject({
      code: "not_found:invitation",
    });
  });

  it("another organization's owner cannot resend or revoke this organization's invitations", async () => {
    const a = await createTestOrganization("ta");
    const b = await createTestOrganization("tb");
    const email = `tenancy-${unique()}@example.com`;
    await invite(a, email);
    const db = await getDb();
    const [row] = await db.select({ id: invitations.id }).from(invitations).where(eq(invitations.email, email));
    for (const action of [members.resendMemberInvitation, members.revokeMemberInvitation]) {
      const result = await runAction(b, schemas.invitationRefSchema, action, { id: row!.id });
      expect(result.ok === false && result.error.code).toBe("not_found:invitation");
    }
    const [after] = await db.select().from(invitations).where(eq(invitations.id, row!.id));
    expect(after).toMatchObject({ revokedAt: null, acceptedAt: null });
  });

  it("GitHub/OIDC sign-in with a verified email joins that email's open invitations, making the account if needed", async () => {
    const owner = await createTestOrganization("oauth");
    const email = `oauth-${unique()}@example.com`;
    await invite(owner, email, "member");
    expect(await joinInvitationsByVerifiedEmail({ email: email.toUpperCase(), name: "Octo Cat" })).toBe(true);
    const db = await getDb();
    const [user] = await db.select().from(users).where(eq(users.email, email));
    expect(user).toMatchObject({ name: "Octo Cat", passwordHash: null });
    expect(await roleOf(owner.org.id, user!.id)).toBe("member");
    expect(await joinInvitationsByVerifiedEmail({ email: `nobody-${unique()}@example.com` })).toBe(false);
  });
});

describe("members and roles", () => {
  it("a member cannot promote themself or anyone; an owner promotes and demotes; the last owner stays", async () => {
    const owner = await createTestOrganization("roles");
    const member = await addTestMember(owner.org.id, { role: "member" });
    const self = await runAction(member, schemas.changeRoleSchema, members.changeMemberRole, { userId: member.user.id, role: "owner" });
    expect(self.ok === false && self.error.code).toBe("forbidden:owner_only");
    expect(await roleOf(owner.org.id, member.user.id)).toBe("member");

    const lastDemote = await runAction(owner, schemas.changeRoleSchema, members.changeMemberRole, { userId: owner.user.id, role: "member" });
    expect(lastDemote.ok === false && lastDemote.error.code).toBe("conflict:last_owner");

    expect((await runAction(owner, schemas.changeRoleSchema, members.changeMemberRole, { userId: member.user.id, role: "owner" })).ok).toBe(true);
    expect(await roleOf(owner.org.id, member.user.id)).toBe("owner");
    const db = await getDb();
    const [audit] = await db.select().from(auditEvents).where(and(eq(auditEvents.organizationId, owner.org.id), eq(auditEvents.action, "member.role_changed")));
    expect(audit?.changes).toMatchObject({ role: { from: "member", to: "owner" } });
    // With two owners, one may step down.
    expect((await runAction(owner, schemas.changeRoleSchema, members.changeMemberRole, { userId: owner.user.id, role: "member" })).ok).toBe(true);
  });

  it("two owners demoting each other at the same moment: one wins, the organization keeps an owner", async () => {
    const first = await createTestOrganization("duel");
    const second = await addTestMember(first.org.id, { role: "owner" });
    const [a, b] = await Promise.all([
      runAction(first, schemas.changeRoleSchema, members.changeMemberRole, { userId: second.user.id, role: "member" }),
      runAction(second, schemas.changeRoleSchema, members.changeMemberRole, { userId: first.user.id, role: "member" }),
    ]);
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
    const roles = [await roleOf(first.org.id, first.user.id), await roleOf(first.org.id, second.user.id)];
    expect(roles.filter((r) => r === "owner")).toHaveLength(1);
  });

  it("an owner of one organization cannot act on another organization's members", async () => {
    const a = await createTestOrganization("oa");
    const b = await createTestOrganization("ob");
    const bMember = await addTestMember(b.org.id, { role: "member" });
    const promote = await runAction(a, schemas.changeRoleSchema, members.changeMemberRole, { userId: bMember.user.id, role: "owner" });
    expect(promote.ok === false && promote.error.code).toBe("not_found:member");
    const remove = await runAction(a, schemas.memberRefSchema, members.removeMember, { userId: bMember.user.id });
    expect(remove.ok === false && remove.error.code).toBe("not_found:member");
    const removeOwner = await runAction(a, schemas.memberRefSchema, members.removeMember, { userId: b.user.id });
    expect(removeOwner.ok === false && removeOwner.error.code).toBe("not_found:member");
    expect(await roleOf(b.org.id, bMember.user.id)).toBe("member");
    expect(await roleOf(b.org.id, b.user.id)).toBe("owner");
  });

  it("removing someone ends their sessions in that organization at once, and only there", async () => {
    const owner = await createTestOrganization("rm");
    const other = await createTestOrganization("rmother");
    const person = await addTestMember(owner.org.id, { role: "member" });
    const db = await getDb();
    await db.insert(memberships).values({ userId: person.user.id, organizationId: other.org.id, role: "member" });
    const here = await signedInContextFor(person.email, owner.org.id);
    const there = await signedInContextFor(person.email, other.org.id);

    const removed = await runAction(owner, schemas.memberRefSchema, members.removeMember, { userId: person.user.id });
    expect(removed.ok).toBe(true);
    expect(await getContextForSession({ sessionId: here.sessionId, userId: person.user.id })).toBeUndefined();
    expect((await getContextForSession({ sessionId: there.sessionId, userId: person.user.id }))?.org.id).toBe(other.org.id);
    expect(await roleOf(owner.org.id, person.user.id)).toBeUndefined();

    const lastOwner = await runAction(await addTestMember(owner.org.id, { role: "owner" }), schemas.memberRefSchema, members.removeMember, { userId: owner.user.id });
    expect(lastOwner.ok).toBe(true);
    const byMember = await runAction(await addTestMember(owner.org.id, { role: "member" }), schemas.memberRefSchema, members.removeMember, {
      userId: (await addTestMember(owner.org.id)).user.id,
    });
    expect(byMember.ok === false && byMember.error.code).toBe("forbidden:owner_only");
  });

  it("the last owner cannot be removed", async () => {
    const owner = await createTestOrganization("lastrm");
    const second = await addTestMember(owner.org.id, { role: "owner" });
    // second removes first: fine; then second is the last owner, and nobody can remove them (not even themself).
    expect((await runAction(second, schemas.memberRefSchema, members.removeMember, { userId: owner.user.id })).ok).toBe(true);
    const self = await runAction(second, schemas.memberRefSchema, members.removeMember, { userId: second.user.id });
    expect(self.ok === false && self.error.code).toBe("conflict:remove_self");
  });

  it("anyone can leave except the last owner; the browser moves to another organization or signs out", async () => {
    const owner = await createTestOrganization("leave");
    const last = await signedInContextFor(owner.user.email, owner.org.id);
    const refused = await runAction(last, schemas.leaveOrganizationSchema, members.leaveOrganization, {});
    expect(refused.ok === false && refused.error.code).toBe("conflict:last_owner");

    const elsewhere = await createTestOrganization("leave2");
    const person = await addTestMember(owner.org.id, { role: "member" });
    const db = await getDb();
    await db.insert(memberships).values({ userId: person.user.id, organizationId: elsewhere.org.id, role: "member" });
    const browser = await signedInContextFor(person.email, owner.org.id);
    const left = await runAction(browser, schemas.leaveOrganizationSchema, members.leaveOrganization, {});
    expect(left).toEqual({ ok: true, data: { next: "switched", organizationId: elsewhere.org.id } });
    expect((await getContextForSession({ sessionId: browser.sessionId, userId: person.user.id }))?.org.id).toBe(elsewhere.org.id);

    const loner = await addTestMember(owner.org.id, { role: "member" });
    const lonerBrowser = await signedInContextFor(loner.email, owner.org.id);
    const gone = await runAction(lonerBrowser, schemas.leaveOrganizationSchema, members.leaveOrganization, {});
    expect(gone).toEqual({ ok: true, data: { next: "signed_out" } });
    expect(await getContextForSession({ sessionId: lonerBrowser.sessionId, userId: loner.user.id })).toBeUndefined();
  });
});
