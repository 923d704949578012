import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.PORTAL_RETURN_ORIGINS = "https://platform.example";
  process.env.PORTAL_EMBED_ORIGINS = "https://platform.example";
});

const { closeDb, getDb } = await import("@/db");
const { auditEvents, organizations, portalLinks } = await import("@/db/schema");
const { createApiKey } = await import("@/lib/api-keys");
const { createPlatformKey, revokePlatformKey } = await import("@/lib/platform/keys");
const { openPortalLink } = await import("@/lib/platform/portal-sessions");
const { hashToken } = await import("@/lib/people/tokens");
const { callRoute } = await import("@/testing/api");
const { createTestOrganization } = await import("@/testing/organization");
const { sessionContextFor } = await import("@/testing/session");
const route = await import("./route");

type Reply = { url?: string; expiresAt?: string; error?: { code: string; message: string; issues?: { path: string; message: string }[] } };

let key: string;
let keyId: string;
let acme: Awaited<ReturnType<typeof createTestOrganization>>;

beforeAll(async () => {
  const admin = await sessionContextFor("admin@example.com");
  const created = await createPlatformKey({ name: "portal sessions test" }, admin);
  key = created.key;
  keyId = created.id;
  acme = await createTestOrganization("psess");
  const db = await getDb();
  await db.update(organizations).set({ externalId: `ext-${acme.org.id}` }).where(eq(organizations.id, acme.org.id));
});

afterAll(async () => {
  await closeDb();
});

const post = (org: string, body: unknown, k: string | null = key) =>
  callRoute<Reply>(route.POST, { path: `/api/platform/v1/organizations/${org}/portal-sessions`, key: k, body, params: { org } });

describe("POST /api/platform/v1/organizations/{org}/portal-sessions", () => {
  it("answers 201 { url, expiresAt } for Herald's id and for ext:<externalId>; the link opens that organization; audited as the key", async () => {
    const before = Date.now();
    const byId = await post(acme.org.id, { role: "owner", returnUrl: "https://platform.example/dashboard", expiresInSeconds: 120, embedded: true });
    expect(byId.status).toBe(201);
    expect(Object.keys(byId.body).sort()).toEqual(["expiresAt", "url"]);
    expect(byId.body.url).toMatch(/^http:\/\/localhost\/portal\/[A-Za-z0-9_-]{43}$/);
    const expires = Date.parse(byId.body.expiresAt!);
    expect(expires - before).toBeGreaterThan(119_000);
    expect(expires - before).toBeLessThan(121_000);
    expect(byId.headers.get("cache-control")).toBe("no-store");
    const token = byId.body.url!.split("/portal/")[1]!;
    const db = await getDb();
    const [row] = await db.select().from(portalLinks).where(eq(portalLinks.tokenHash, hashToken(token)));
    expect(row).toMatchObject({ organizationId: acme.org.id, role: "owner", embedded: true, returnUrl: "https://platform.example/dashboard" });
    const [audit] = await db.select().from(auditEvents).where(and(eq(auditEvents.targetId, row!.id), eq(auditEvents.action, "portal_link.created")));
    expect(audit).toMatchObject({ actorType: "platform_key", actorId: keyId, organizationId: acme.org.id });
    const opened = await openPortalLink(token);
    expect(opened.ok && opened.orgId).toBe(acme.org.id);

    const byExt = await post(`ext:ext-${acme.org.id}`, {});
    expect(byExt.status).toBe(201);
    const defaults = Date.parse(byExt.body.expiresAt!) - Date.now();
    expect(defaults).toBeGreaterThan(290_000);
    expect(defaults).toBeLessThanOrEqual(300_000);
  });

  it("with an email, the person is made a member when they open it", async () => {
    const email = `newcomer-${Math.random().toString(36).slice(2, 8)}@tests.example`;
    const reply = await post(acme.org.id, { email, role: "member" });
    expect(reply.status).toBe(201);
    const opened = await openPortalLink(reply.body.url!.split("/portal/")[1]!);
    expect(opened.ok).toBe(true);
    const db = await getDb();
    const provisioned = await db.select().from(auditEvents).where(and(eq(auditEvents.organizationId, acme.org.id), eq(auditEvents.action, "member.provisioned")));
    expect(provisioned.some((e) => e.actorId === keyId && JSON.stringify(e.changes).includes(email))).toBe(true);
  });

  it("refuses bad input with 400 and a message: lifetime, role, returnUrl off the allowed origins, unknown fields, bad JSON", async () => {
    const cases: [unknown, string][] = [
      [{ expiresInSeconds: 3601 }, "expiresInSeconds"],
      [{ expiresInSeconds: 2 }, "expiresInSeconds"],
      [{ role: "admin" }, "role"],
      [{ email: "nobody" }, "email"],
      [{ returnUrl: "https://evil.test/" }, "returnUrl"],
      [{ returnUrl: "javascript:alert(1)" }, "returnUrl"],
      [{ organizationId: "org_aaaaaaaaaaaaaaaaaaaa" }, ""],
      [[], ""],
    ];
    for (const [body, field] of cases) {
      const reply = await post(acme.org.id, body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.error?.message).toBeTruthy();
      if (field) expect(reply.body.error?.issues?.some((i) => i.path === field && i.message.length > 0), JSON.stringify(reply.body)).toBe(true);
    }
    const raw = await callRoute<Reply>(route.POST, { path: "/x", key, raw: "{nope", params: { org: acme.org.id } });
    expect(raw.status).toBe(400);
  });

  it("no key, a partner key and a revoked platform key get 401; unknown, foreign-looking and odd {org} spellings 404; a deactivated organization 409", async () => {
    expect((await post(acme.org.id, {}, null)).status).toBe(401);
    const partner = await createApiKey({ name: "partner" }, acme);
    expect((await post(acme.org.id, {}, partner.key)).status).toBe(401);
    for (const org of ["org_aaaaaaaaaaaaaaaaaaaa", "ext:nope-nothing", "ext:", "../org", `${acme.org.id}/../x`, "ext:a b", "org_"]) {
      const reply = await post(org, {});
      expect(reply.status, org).toBe(404);
      expect(reply.body.error?.code).toBe("not_found:organization");
    }
    const other = await createTestOrganization("psess-off");
    const db = await getDb();
    await db.update(organizations).set({ deactivatedAt: new Date() }).where(eq(organizations.id, other.org.id));
    const off = await post(other.org.id, {});
    expect(off.status).toBe(409);
    expect(off.body.error?.message).toMatch(/deactivated/);

    const admin = await sessionContextFor("admin@example.com");
    const doomed = await createPlatformKey({ name: "revoked" }, admin);
    await revokePlatformKey({ id: doomed.id }, admin);
    expect((await post(acme.org.id, {}, doomed.key)).status).toBe(401);
    // Nothing was created by any refused call.
    const links = await db.select().from(portalLinks).where(eq(portalLinks.organizationId, other.org.id));
    expect(links).toHaveLength(0);
  });
});
