import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Before any app module loads: endpoints on 127.0.0.1 are this test's receiver; nothing is sent by email.
vi.hoisted(() => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
  delete process.env.SMTP_URL;
});

const { closeDb, getDb } = await import("@/db");
const { auditEvents, emails, invitations, pausedDeliveries } = await import("@/db/schema");
const { runAction } = await import("@/lib/action");
const schemas = await import("@/app/(portal)/admin/organizations/schemas");
const { createOrganization, inviteFirstOwner, setOrganizationActive, updateOrganization } = await import("./organizations");
const { searchOrganizationsForAdmin } = await import("@/db/queries/organizations");
const { getContextForSession } = await import("@/db/queries/users");
const { authorizeWithPassword } = await import("@/lib/auth/credentials");
const { SignInRefused } = await import("@/lib/auth/sign-in-refused");
const { authenticateApiKey, createApiKey } = await import("@/lib/api-keys");
const { createEndpointSchema } = await import("@/app/(portal)/webhooks/schemas");
const { createEndpoint } = await import("@/lib/endpoints/operations");
const { publishEvent } = await import("@/lib/delivery/publish");
const { EVENT_CATALOG } = await import("@/lib/events/catalog");
const { startDeliveryEngine, stopDeliveryEngine } = await import("@/lib/startup/engine");
const { startReceiver } = await import("@/testing/https-receiver");
const { waitForDelivery } = await import("@/testing/delivery");
const { addTestMember, createTestOrganization } = await import("@/testing/organization");
const { sessionContextFor, signedInContextFor } = await import("@/testing/session");

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
let receiver: Receiver;
let admin: Awaited<ReturnType<typeof signedInContextFor>>;

beforeAll(async () => {
  receiver = await startReceiver();
  admin = await signedInContextFor("admin@example.com");
  await startDeliveryEngine({ pollMs: 20, leaseMs: 10_000 });
});

afterAll(async () => {
  await stopDeliveryEngine();
  await receiver.close();
  await closeDb();
});

const unique = () => Math.random().toString(36).slice(2, 10);

async function lastAudit(orgId: string) {
  const db = await getDb();
  const [row] = await db.select().from(auditEvents).where(eq(auditEvents.organizationId, orgId)).orderBy(desc(auditEvents.createdAt), desc(auditEvents.id)).limit(1);
  return row;
}

describe("Admin -> Organizations", () => {
  it("creates an organization with name, slug, plan and external id, and records who did it", async () => {
    const suffix = unique();
    const result = await runAction(admin, schemas.createOrganizationSchema, createOrganization, {
      name: `  Initech ${suffix} `,
      slug: `Initech-${suffix}`,
      plan: "pro",
      externalId: `crm-${suffix}`,
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data).toMatchObject({ name: `Initech ${suffix}`, slug: `initech-${suffix}`, plan: "pro", externalId: `crm-${suffix}`, deactivatedAt: null });
    const audit = await lastAudit(result.data.id);
    expect(audit).toMatchObject({ action: "organization.created", actorId: admin.user.id, actorEmail: "admin@example.com", targetId: result.data.id });

    // The slug and the external id are unique; the answer says which field clashes.
    const again = await runAction(admin, schemas.createOrganizationSchema, createOrganization, {
      name: "Other",
      slug: `initech-${suffix}`,
      plan: "free",
      externalId: `crm-${suffix}`,
    });
    expect(again.ok).toBe(false);
    if (!again.ok) {
      expect(again.error.code).toBe("conflict:organization");
      expect(again.error.fieldErrors?.slug?.[0]).toMatch(/already uses the slug/);
      expect(again.error.fieldErrors?.externalId?.[0]).toMatch(/already has the external id/);
    }
    // No external id at all is fine, twice.
    for (const n of [1, 2]) {
      const plain = await runAction(admin, schemas.createOrganizationSchema, createOrganization, { name: `Plain ${n}`, slug: `plain-${n}-${suffix}`, plan: "free" });
      expect(plain.ok && plain.data.externalId).toBe(null);
    }
  });

  it("refuses bad input field by field, and partners get not-found", async () => {
    const bad = await runAction(admin, schemas.createOrganizationSchema, createOrganization, {
      name: "Acme\r\nX: 1",
      slug: "-bad slug-",
      plan: "platinum",
      externalId: "has space",
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(Object.keys(bad.error.fieldErrors ?? {}).sort()).toEqual(["externalId", "name", "plan", "slug"]);

    const partner = await sessionContextFor("partner@example.com");
    const refused = await runAction(partner, schemas.createOrganizationSchema, createOrganization, { name: "Mine", slug: `mine-${unique()}`, plan: "enterprise" });
    expect(refused.ok === false && refused.error.code).toBe("not_found");
    const globex = await sessionContextFor("other@example.com");
    const edit = await runAction(partner, schemas.updateOrganizationSchema, updateOrganization, { id: globex.org.id, name: "Taken over", slug: "taken-over" });
    expect(edit.ok === false && edit.error.code).toBe("not_found");
    const deactivate = await runAction(partner, schemas.setOrganizationActiveSchema, setOrganizationActive, { id: globex.org.id, active: false });
    expect(deactivate.ok === false && deactivate.error.code).toBe("not_found");
    const invite = await runAction(partner, schemas.inviteFirstOwnerSchema, inviteFirstOwner, { organizationId: globex.org.id, email: "x@example.com" });
    expect(invite.ok === false && invite.error.code).toBe("not_found");
    expect((await sessionContextFor("other@example.com")).org.name).toBe("Globex Credentials");
  });

  it("edits name, slug and external id, recording only what changed", async () => {
    const suffix = unique();
    const created = await runAction(admin, schemas.createOrganizationSchema, createOrganization, { name: `Hooli ${suffix}`, slug: `hooli-${suffix}`, plan: "free" });
    if (!created.ok) throw new Error(created.error.message);
    const edited = await runAction(admin, schemas.updateOrganizationSchema, updateOrganization, {
      id: created.data.id,
      name: `Hooli XYZ ${suffix}`,
      slug: `hooli-${suffix}`,
      externalId: `sf-${suffix}`,
    });
    expect(edited.ok && edited.data).toMatchObject({ name: `Hooli XYZ ${suffix}`, externalId: `sf-${suffix}` });
    const audit = await lastAudit(created.data.id);
    expect(audit?.action).toBe("organization.updated");
    expect(audit?.changes).toEqual({ name: { from: `Hooli ${suffix}`, to: `Hooli XYZ ${suffix}` }, externalId: { from: null, to: `sf-${suffix}` } });
    // Taking Acme's slug is refused.
    const clash = await runAction(admin, schemas.updateOrganizationSchema, updateOrganization, { id: created.data.id, name: "x", slug: "acme-verify" });
    expect(clash.ok === false && clash.error.fieldErrors?.slug?.[0]).toMatch(/already uses the slug "acme-verify"/);
    const missing = await runAction(admin, schemas.updateOrganizationSchema, updateOrganization, { id: "org_zzzzzzzzzzzzzzzzzzzz", name: "x", slug: `x-${suffix}` });
    expect(missing.ok === false && missing.error.code).toBe("not_found:organization");
  });

  it("searches by name, slug, external id or id, a page at a time", async () => {
    const suffix = unique();
    for (let i = 0; i < 3; i += 1) {
      await runAction(admin, schemas.createOrganizationSchema, createOrganization, { name: `Paged ${suffix} ${i}`, slug: `paged-${suffix}-${i}`, plan: "free", externalId: `ext-${suffix}-${i}` });
    }
    const all = await searchOrganizationsForAdmin({ isPlatformAdmin: true }, { query: `paged ${suffix}`.toUpperCase() });
    expect(all.total).toBe(3);
    const page2 = await searchOrganizationsForAdmin({ isPlatformAdmin: true }, { query: `paged-${suffix}`, page: 2, pageSize: 2 });
    expect(page2).toMatchObject({ total: 3, rows: [{ name: `Paged ${suffix} 2` }] });
    const byExternal = await searchOrganizationsForAdmin({ isPlatformAdmin: true }, { query: `ext-${suffix}-1` });
    expect(byExternal.rows.map((r) => r.name)).toEqual([`Paged ${suffix} 1`]);
    const byId = await searchOrganizationsForAdmin({ isPlatformAdmin: true }, { query: byExternal.rows[0]!.id });
    expect(byId.total).toBe(1);
    // LIKE wildcards in the query are taken literally.
    expect((await searchOrganizationsForAdmin({ isPlatformAdmin: true }, { query: "%" })).total).toBe(0);
    expect(await searchOrganizationsForAdmin({ isPlatformAdmin: false }, { query: "" })).toEqual({ rows: [], total: 0 });
  });

  it("invites an organization's first owner: an invitation row with only the token's hash, and the email with the link", async () => {
    const suffix = unique();
    const created = await runAction(admin, schemas.createOrganizationSchema, createOrganization, { name: `Vandelay ${suffix}`, slug: `vandelay-${suffix}`, plan: "enterprise" });
    if (!created.ok) throw new Error(created.error.message);
    const invited = await runAction(admin, schemas.inviteFirstOwnerSchema, inviteFirstOwner, { organizationId: created.data.id, email: ` Art@Vandelay.Example ` });
    expect(invited.ok).toBe(true);
    const db = await getDb();
    const [invitation] = await db.select().from(invitations).where(eq(invitations.organizationId, created.data.id));
    expect(invitation).toMatchObject({ email: "art@vandelay.example", role: "owner", invitedBy: null, acceptedAt: null });
    expect(invitation!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(invitation!.expiresAt.getTime() - Date.now()).toBeGreaterThan(7 * 86_400_000 - 60_000);
    const [email] = await db.select().from(emails).where(and(eq(emails.organizationId, created.data.id), eq(emails.template, "invitation")));
    expect(email).toMatchObject({ to: "art@vandelay.example", status: "kept" });
    const token = email!.link!.split("/invite/")[1]!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The link's token is nowhere in the invitation row.
    expect(JSON.stringify(invitation)).not.toContain(token);
    expect((await lastAudit(created.data.id))?.action).toBe("member.invited");
    // The list counts the pending invitation and, for an organization with people, its members and last sign-in.
    const [row] = (await searchOrganizationsForAdmin({ isPlatformAdmin: true }, { query: created.data.id })).rows;
    expect(row).toMatchObject({ memberCount: 0, pendingInvitations: 1, lastLoginAt: null });
    const [acme] = (await searchOrganizationsForAdmin({ isPlatformAdmin: true }, { query: "acme-verify" })).rows;
    expect(acme).toMatchObject({ name: "Acme Verify", memberCount: 1, pendingInvitations: 0 });
  });

  it("deactivation ends the organization's sessions, refuses sign-in and API keys, and holds deliveries until reactivation", async () => {
    const ctx = await createTestOrganization("deact");
    const person = await addTestMember(ctx.org.id, { role: "owner", label: "deact-owner", password: "deact-owner-password" });
    const browser = await signedInContextFor(person.email, ctx.org.id);
    const key = (await createApiKey({ name: "deact" }, ctx)).key;
    const endpoint = await runAction(ctx, createEndpointSchema, createEndpoint, { url: `${receiver.url}/deact`, eventTypes: ["credential.issued"], maxRetries: 0 });
    if (!endpoint.ok) throw new Error(endpoint.error.message);

    const off = await runAction(admin, schemas.setOrganizationActiveSchema, setOrganizationActive, { id: ctx.org.id, active: false });
    expect(off).toEqual({ ok: true, data: { id: ctx.org.id, active: false } });
    expect((await lastAudit(ctx.org.id))?.action).toBe("organization.deactivated");
    expect(await getContextForSession({ sessionId: browser.sessionId, userId: browser.user.id })).toBeUndefined();
    await expect(authorizeWithPassword({ email: person.email, password: "deact-owner-password" }, { headers: new Headers() })).rejects.toBeInstanceOf(SignInRefused);
    expect((await authenticateApiKey(`Bearer ${key}`))?.deactivated).toBe(true);

    const example = EVENT_CATALOG.find((e) => e.type === "credential.issued")!.example;
    const published = await publishEvent(ctx.org.id, "credential.issued", example);
    const deliveryId = published.deliveryIds[0]!;
    const db = await getDb();
    const deadline = Date.now() + 10_000;
    while ((await db.select().from(pausedDeliveries).where(eq(pausedDeliveries.deliveryId, deliveryId))).length === 0) {
      if (Date.now() > deadline) throw new Error("the delivery was not held");
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(receiver.requests.filter((r) => r.path === "/deact")).toHaveLength(0);

    const on = await runAction(admin, schemas.setOrganizationActiveSchema, setOrganizationActive, { id: ctx.org.id, active: true });
    expect(on.ok).toBe(true);
    expect((await lastAudit(ctx.org.id))?.action).toBe("organization.reactivated");
    expect((await waitForDelivery(deliveryId)).status).toBe("succeeded");
    expect(receiver.requests.filter((r) => r.path === "/deact")).toHaveLength(1);
    expect((await authenticateApiKey(`Bearer ${key}`))?.deactivated).toBe(false);
    expect(await authorizeWithPassword({ email: person.email, password: "deact-owner-password" }, { headers: new Headers() })).toMatchObject({ orgId: ctx.org.id });
    // The session that was ended stays ended: reactivation does not bring old cookies back.
    expect(await getContextForSession({ sessionId: browser.sessionId, userId: browser.user.id })).toBeUndefined();
  });

  it("a person in a deactivated and an active organization signs in to the active one", async () => {
    const a = await createTestOrganization("twoa");
    const b = await createTestOrganization("twob");
    const person = await addTestMember(a.org.id, { label: "both", password: "both-orgs-password" });
    const db = await getDb();
    const { memberships } = await import("@/db/schema");
    await db.insert(memberships).values({ userId: person.user.id, organizationId: b.org.id, role: "member" });
    await runAction(admin, schemas.setOrganizationActiveSchema, setOrganizationActive, { id: a.org.id, active: false });
    expect(await authorizeWithPassword({ email: person.email, password: "both-orgs-password" }, { headers: new Headers() })).toMatchObject({ orgId: b.org.id });
  });

  it("an admin cannot deactivate the organization they are working in", async () => {
    const result = await runAction(admin, schemas.setOrganizationActiveSchema, setOrganizationActive, { id: admin.org.id, active: false });
    expect(result.ok === false && result.error.code).toBe("conflict:own_organization");
  });
});
