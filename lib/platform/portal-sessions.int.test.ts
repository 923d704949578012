import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";

const { closeDb, getDb } = await import("@/db");
const { auditEvents, authSessions, memberships, organizations, portalLinks, users } = await import("@/db/schema");
const { getContextForSession } = await import("@/db/queries/users");
const { switchSessionOrganization } = await import("@/db/queries/auth-sessions");
const { hashToken } = await import("@/lib/people/tokens");
const { addTestMember, createTestOrganization } = await import("@/testing/organization");
const portal = await import("./portal-sessions");

afterAll(async () => {
  await closeDb();
});

const ACTOR = { type: "platform_key" as const, id: "pk_test_actor" };

function request(input: Record<string, unknown> = {}) {
  return portal.portalSessionRequestSchema.parse(input);
}

async function issue(orgId: string, input: Record<string, unknown> = {}) {
  return portal.issuePortalLink({ orgId, input: request(input), actor: ACTOR, baseUrl: "http://portal.test/" });
}

const tokenOf = (url: string) => url.split("/portal/")[1] ?? "";

describe("magic links", () => {
  it("stores only the token's SHA-256, defaults to 5 minutes, and opens once; the session is an anonymous portal session with the link's role", async () => {
    const acme = await createTestOrganization("mlink");
    const before = Date.now();
    const link = await issue(acme.org.id, { role: "owner" });
    expect(link.url).toMatch(/^http:\/\/portal\.test\/portal\/[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(link.url);
    expect(link.expiresAt.getTime() - before).toBeGreaterThan(299_000);
    expect(link.expiresAt.getTime() - before).toBeLessThan(301_000);
    const db = await getDb();
    const [row] = await db.select().from(portalLinks).where(eq(portalLinks.id, link.id));
    expect(row?.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    const [created] = await db.select().from(auditEvents).where(and(eq(auditEvents.targetId, link.id), eq(auditEvents.action, "portal_link.created")));
    expect(created?.actorType).toBe("platform_key");
    expect(JSON.stringify(created)).not.toContain(token);

    expect((await portal.inspectPortalLink(token))?.state).toBe("ready");
    const opened = await portal.openPortalLink(token, { userAgent: "test", ip: "127.0.0.1" });
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    const ctx = await getContextForSession({ sessionId: opened.sessionId, userId: opened.userId });
    expect(ctx?.org.id).toBe(acme.org.id);
    expect(ctx?.user.role).toBe("owner");
    expect(ctx?.user.isPlatformAdmin).toBe(false);
    expect(ctx?.portal).toEqual({ returnUrl: null, embedded: false, anonymous: true });
    // The anonymous identity is nobody's account: no password, no membership, an address that takes no mail.
    const [identity] = await db.select().from(users).where(eq(users.id, opened.userId));
    expect(identity?.passwordHash).toBeNull();
    expect(identity?.portalOrganizationId).toBe(acme.org.id);
    expect(identity?.email).toMatch(/@portal\.invalid$/);
    expect(await db.select().from(memberships).where(eq(memberships.userId, opened.userId))).toHaveLength(0);

    expect(await portal.openPortalLink(token)).toEqual({ ok: false, reason: "used" });
    expect((await portal.inspectPortalLink(token))?.state).toBe("used");
    // A second link for the same organization reuses the identity.
    const again = await portal.openPortalLink(tokenOf((await issue(acme.org.id)).url));
    expect(again.ok && again.userId).toBe(opened.userId);
    if (again.ok) expect((await getContextForSession({ sessionId: again.sessionId, userId: again.userId }))?.user.role).toBe("member");
  });

  it("two opens at the same moment: exactly one wins", async () => {
    const acme = await createTestOrganization("mrace");
    for (let round = 0; round < 3; round++) {
      const token = tokenOf((await issue(acme.org.id)).url);
      const results = await Promise.all(Array.from({ length: 5 }, () => portal.openPortalLink(token)));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(["used", "used", "used", "used"]);
    }
  });

  it("an expired link, a deactivated organization's link and a made-up token open nothing", async () => {
    const acme = await createTestOrganization("mexp");
    const db = await getDb();
    const expired = await issue(acme.org.id);
    await db.update(portalLinks).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(portalLinks.id, expired.id));
    expect(await portal.openPortalLink(tokenOf(expired.url))).toEqual({ ok: false, reason: "expired" });
    expect((await portal.inspectPortalLink(tokenOf(expired.url)))?.state).toBe("expired");

    const live = await issue(acme.org.id);
    await db.update(organizations).set({ deactivatedAt: new Date() }).where(eq(organizations.id, acme.org.id));
    expect(await portal.openPortalLink(tokenOf(live.url))).toEqual({ ok: false, reason: "organization_deactivated" });
    await expect(issue(acme.org.id)).rejects.toMatchObject({ code: "conflict:organization_deactivated" });

    expect(await portal.openPortalLink("A".repeat(43))).toEqual({ ok: false, reason: "invalid" });
    expect(await portal.openPortalLink("../../etc")).toEqual({ ok: false, reason: "invalid" });
    expect(await portal.inspectPortalLink("A".repeat(43))).toBeUndefined();
  });

  it("with an email: a newcomer becomes a member with the role (audited), an existing member keeps theirs, and the session cannot switch organization", async () => {
    const acme = await createTestOrganization("mjit");
    const other = await createTestOrganization("mjit-other");
    const db = await getDb();
    const email = `jit-${Math.random().toString(36).slice(2, 8)}@tests.example`;
    const opened = await portal.openPortalLink(tokenOf((await issue(acme.org.id, { email: email.toUpperCase(), role: "owner", returnUrl: undefined })).url));
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    const ctx = await getContextForSession({ sessionId: opened.sessionId, userId: opened.userId });
    expect(ctx?.user.email).toBe(email);
    expect(ctx?.user.role).toBe("owner");
    expect(ctx?.portal?.anonymous).toBe(false);
    const [provisioned] = await db.select().from(auditEvents).where(and(eq(auditEvents.organizationId, acme.org.id), eq(auditEvents.action, "member.provisioned")));
    expect(provisioned?.actorType).toBe("platform_key");
    expect(provisioned?.targetId).toBe(opened.userId);

    // The same person in a second organization: a member there too, but this session stays in acme.
    await db.insert(memberships).values({ userId: opened.userId, organizationId: other.org.id, role: "member" });
    expect(await switchSessionOrganization({ sessionId: opened.sessionId, userId: opened.userId, orgId: other.org.id })).toBe(false);
    const [row] = await db.select().from(authSessions).where(eq(authSessions.id, opened.sessionId));
    expect(row?.organizationId).toBe(acme.org.id);

    const member = await addTestMember(acme.org.id, { role: "member" });
    const theirs = await portal.openPortalLink(tokenOf((await issue(acme.org.id, { email: member.email, role: "owner" })).url));
    expect(theirs.ok && theirs.userId).toBe(member.user.id);
    if (theirs.ok) expect((await getContextForSession({ sessionId: theirs.sessionId, userId: theirs.userId }))?.user.role).toBe("member");
  });

  it("housekeeping deletes links a day past their expiry and keeps the sessions they opened", async () => {
    const acme = await createTestOrganization("mpurge");
    const db = await getDb();
    const old = await issue(acme.org.id);
    const opened = await portal.openPortalLink(tokenOf(old.url));
    const recent = await issue(acme.org.id);
    await db.update(portalLinks).set({ expiresAt: new Date(Date.now() - 25 * 60 * 60 * 1000) }).where(eq(portalLinks.id, old.id));
    const { portalLinks: purged } = await portal.purgeOldPortalLinks();
    expect(purged).toBeGreaterThanOrEqual(1);
    expect(await db.select().from(portalLinks).where(eq(portalLinks.id, old.id))).toHaveLength(0);
    expect(await db.select().from(portalLinks).where(eq(portalLinks.id, recent.id))).toHaveLength(1);
    if (opened.ok) expect((await getContextForSession({ sessionId: opened.sessionId, userId: opened.userId }))?.portal?.anonymous).toBe(true);
  });

  it("validates the request: lifetime 5 s to 1 h, returnUrl only on PORTAL_RETURN_ORIGINS, no unknown fields", () => {
    const bad = (input: Record<string, unknown>) => portal.portalSessionRequestSchema.safeParse(input).success;
    expect(bad({ expiresInSeconds: 3601 })).toBe(false);
    expect(bad({ expiresInSeconds: 3600 })).toBe(true);
    expect(bad({ expiresInSeconds: 1.5 })).toBe(false);
    expect(bad({ role: "admin" })).toBe(false);
    expect(bad({ email: "not-an-address" })).toBe(false);
    expect(bad({ email: "portal+x@portal.invalid" })).toBe(false);
    expect(bad({ surprise: true })).toBe(false);
    expect(portal.checkReturnUrl("https://app.example.com/back", ["https://app.example.com"])).toBeUndefined();
    expect(portal.checkReturnUrl("https://app.example.com.evil.test/back", ["https://app.example.com"])).toMatch(/PORTAL_RETURN_ORIGINS/);
    expect(portal.checkReturnUrl("javascript:alert(1)", ["https://app.example.com"])).toMatch(/http/);
    expect(portal.checkReturnUrl("https://user:pw@app.example.com/", ["https://app.example.com"])).toMatch(/user name/);
    expect(portal.checkReturnUrl("https://app.example.com/", [])).toMatch(/no PORTAL_RETURN_ORIGINS/);
  });
});
