import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.STRIPE_WEBHOOK_SECRET = "whsec_herald_integration_tests_only";
  process.env.STRIPE_PRICE_PLANS = "price_enterprise_test:enterprise,price_pro_test:pro";
});

const { closeDb, getDb, rowsOf } = await import("@/db");
const { AUDIT_PAGE_SIZE, countAuditEvents, countAuditEventsForAdmin, listAuditActors, listAuditEvents, listAuditEventsForAdmin } = await import("@/db/queries/audit");
const { pageWindow } = await import("@/lib/paging");
const { decodeCursor, encodeCursor } = await import("@/app/(portal)/webhooks/logs/schemas");
const { auditEvents } = await import("@/db/schema");
const { runAction } = await import("@/lib/action");
const { createEndpointSchema, endpointRefSchema, setEndpointActiveSchema, updateEndpointSchema } = await import("@/app/(portal)/webhooks/schemas");
const { createApiKeySchema, apiKeyRefSchema } = await import("@/app/(portal)/api-keys/schemas");
const { setPlanSchema } = await import("@/app/(portal)/admin/schemas");
const { createEndpoint, deleteEndpoint, revealSecret, rotateSecret, setEndpointActive, updateEndpoint } = await import("@/lib/endpoints/operations");
const { createApiKey, revokeApiKey } = await import("@/lib/api-keys");
const { setPlanManually } = await import("@/lib/billing/manual");
const { authorizeWithPassword } = await import("@/lib/auth/credentials");
const { recordAudit } = await import("@/lib/audit");
const { purgeOldAuditEvents } = await import("@/lib/audit/retention");
const { POST: stripeWebhook } = await import("@/app/api/webhooks/stripe/route");
const { createTestOrganization, addTestMember } = await import("@/testing/organization");
const { sessionContextFor } = await import("@/testing/session");
const { signedStripeRequest, stripeEvent, subscriptionObject, ENTERPRISE_PRICE } = await import("@/testing/stripe");

// The demo accounts are seeded into an empty database only: before this file's first organization.
beforeAll(async () => {
  await (await import("@/lib/startup")).prepareDatabase();
});

afterAll(async () => {
  await closeDb();
});

async function eventsOf(orgId: string) {
  const db = await getDb();
  return db.select().from(auditEvents).where(eq(auditEvents.organizationId, orgId)).orderBy(auditEvents.createdAt, auditEvents.id);
}

/** Every stored byte of an organization's audit events, to look for secrets. */
async function rawAudit(orgId: string): Promise<string> {
  const db = await getDb();
  const rows = rowsOf<{ t: string }>(await db.execute(sql`select coalesce(string_agg(to_jsonb(a)::text, ','), '') as t from audit_events a where organization_id = ${orgId}`));
  return rows[0]!.t;
}

const ok = <T>(result: { ok: true; data: T } | { ok: false; error: unknown }): T => {
  if (!result.ok) throw new Error(`action failed: ${JSON.stringify(result.error)}`);
  return result.data;
};

describe("endpoint actions are audited", () => {
  it("records create, update (changed fields only, header values never), disable, enable, reveal, rotate and delete", async () => {
    const ctx = await createTestOrganization("auditep");
    const { id } = ok(
      await runAction(ctx, createEndpointSchema, createEndpoint, {
        url: "https://hooks.audit.example/in",
        description: "Audit test",
        eventTypes: "all",
        headers: [{ name: "X-Api-Key", value: "header-secret-value-123" }],
      }),
    );
    const [created] = await eventsOf(ctx.org.id);
    expect(created).toMatchObject({
      action: "endpoint.created",
      actorType: "user",
      actorId: ctx.user.id,
      actorEmail: ctx.user.email,
      targetType: "endpoint",
      targetId: id,
    });
    expect(created!.changes).toMatchObject({ url: { to: "https://hooks.audit.example/in" }, headers: { to: ["X-Api-Key"] }, eventTypes: { to: "all" } });

    const saved = (await import("@/lib/endpoints/operations")).getEndpoint({ orgId: ctx.org.id, id });
    const headerId = (await saved)!.headers[0]!.id;
    ok(
      await runAction(ctx, updateEndpointSchema, updateEndpoint, {
        id,
        url: "https://hooks.audit.example/v2",
        description: "Audit test",
        eventTypes: "all",
        timeoutSeconds: 10,
        headers: [{ id: headerId, name: "X-Api-Key", value: "a-new-header-secret-456" }],
      }),
    );
    ok(await runAction(ctx, setEndpointActiveSchema, setEndpointActive, { id, active: false }));
    ok(await runAction(ctx, setEndpointActiveSchema, setEndpointActive, { id, active: true }));
    const revealed = ok(await runAction(ctx, endpointRefSchema, revealSecret, { id }));
    ok(await runAction(ctx, endpointRefSchema, rotateSecret, { id }));
    const afterRotation = ok(await runAction(ctx, endpointRefSchema, revealSecret, { id }));
    ok(await runAction(ctx, endpointRefSchema, deleteEndpoint, { id }));

    const events = await eventsOf(ctx.org.id);
    expect(events.map((e) => e.action)).toEqual([
      "endpoint.created",
      "endpoint.updated",
      "endpoint.disabled",
      "endpoint.enabled",
      "endpoint.secret_revealed",
      "endpoint.secret_rotated",
      "endpoint.secret_revealed",
      "endpoint.deleted",
    ]);
    expect(events.every((e) => e.targetId === id && e.actorEmail === ctx.user.email)).toBe(true);
    const updated = events[1]!;
    expect(updated.changes).toEqual({
      url: { from: "https://hooks.audit.example/in", to: "https://hooks.audit.example/v2" },
      timeoutSeconds: { from: 30, to: 10 },
      headerValues: "(changed)",
    });
    // No secret in any stored column: signing secrets (current and rotated) and header values.
    const stored = await rawAudit(ctx.org.id);
    for (const secret of [revealed.secret, afterRotation.secret, afterRotation.previousSecret, "header-secret-value-123", "a-new-header-secret-456"]) {
      expect(secret).toBeTruthy();
      expect(stored).not.toContain(secret!);
    }
    expect(stored).not.toContain("whsec_");
  });

  it("records nothing when an action is refused (another organization's endpoint, bad input)", async () => {
    const owner = await createTestOrganization("auditowner");
    const stranger = await createTestOrganization("auditstranger");
    const { id } = ok(await runAction(owner, createEndpointSchema, createEndpoint, { url: "https://hooks.audit.example/x", eventTypes: "all", headers: [] }));
    for (const [schema, handler] of [
      [endpointRefSchema, deleteEndpoint],
      [endpointRefSchema, revealSecret],
      [endpointRefSchema, rotateSecret],
    ] as const) {
      const result = await runAction(stranger, schema, handler as never, { id });
      expect(result.ok).toBe(false);
    }
    expect(await runAction(stranger, createEndpointSchema, createEndpoint, { url: "not a url" })).toMatchObject({ ok: false });
    expect(await eventsOf(stranger.org.id)).toHaveLength(0);
    expect((await eventsOf(owner.org.id)).map((e) => e.action)).toEqual(["endpoint.created"]);
  });
});

describe("API keys, plans and sign-in are audited", () => {
  it("records API key creation and revocation, never the key", async () => {
    const ctx = await createTestOrganization("auditkey");
    const { id, key } = ok(await runAction(ctx, createApiKeySchema, createApiKey, { name: "CI key" }));
    ok(await runAction(ctx, apiKeyRefSchema, revokeApiKey, { id }));
    const events = await eventsOf(ctx.org.id);
    expect(events.map((e) => [e.action, e.targetId])).toEqual([
      ["api_key.created", id],
      ["api_key.revoked", id],
    ]);
    expect(events[0]!.changes).toMatchObject({ name: { to: "CI key" } });
    const stored = await rawAudit(ctx.org.id);
    expect(stored).not.toContain(key.slice(8));
  });

  it("records a platform admin's plan change in the organization's log, with the admin as actor", async () => {
    const org = await createTestOrganization("auditplan", "free");
    const admin = await sessionContextFor("admin@example.com");
    ok(await runAction(admin, setPlanSchema, setPlanManually, { organizationId: org.org.id, plan: "pro" }));
    const [event] = await eventsOf(org.org.id);
    expect(event).toMatchObject({
      action: "organization.plan_changed",
      actorType: "user",
      actorEmail: "admin@example.com",
      targetType: "organization",
      targetId: org.org.id,
      changes: { plan: { from: "free", to: "pro" } },
    });
    // A partner's attempt is refused and leaves no trace.
    expect((await runAction(org, setPlanSchema, setPlanManually, { organizationId: org.org.id, plan: "enterprise" })).ok).toBe(false);
    expect(await eventsOf(org.org.id)).toHaveLength(1);
  });

  it("records a plan change that comes from Stripe as a system action", async () => {
    const org = await createTestOrganization("auditstripe", "free");
    const response = await stripeWebhook(
      signedStripeRequest(
        stripeEvent("customer.subscription.created", subscriptionObject({ id: `sub_${org.org.id.slice(4)}`, customer: `cus_${org.org.id.slice(4)}`, price: ENTERPRISE_PRICE, orgId: org.org.id })),
      ),
    );
    expect(response.status).toBe(200);
    const [event] = await eventsOf(org.org.id);
    expect(event).toMatchObject({ action: "organization.plan_changed", actorType: "system", actorId: null, changes: { plan: { from: "free", to: "enterprise" } } });
  });

  it("records sign-in success in the organization and failures platform-wide, never the password", async () => {
    const org = await createTestOrganization("auditsignin");
    const member = await addTestMember(org.org.id, { label: "signer", password: "a-long-enough-password-1" });
    const headers = new Headers();
    expect(await authorizeWithPassword({ email: member.email, password: "wrong-password-guess-9" }, { headers })).toBeNull();
    expect(await authorizeWithPassword({ email: member.email, password: "a-long-enough-password-1" }, { headers })).toMatchObject({ id: member.user.id });
    const [signedIn] = await eventsOf(org.org.id);
    expect(signedIn).toMatchObject({ action: "sign_in.succeeded", actorId: member.user.id, actorEmail: member.email, changes: { method: { to: "password" } } });
    const db = await getDb();
    const failed = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "sign_in.failed"), eq(auditEvents.actorId, member.user.id)));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ organizationId: null, changes: { email: { to: member.email }, reason: { to: "wrong password" } } });
    const all = JSON.stringify([...failed, signedIn]);
    expect(all).not.toContain("wrong-password-guess-9");
    expect(all).not.toContain("a-long-enough-password-1");
  });
});

describe("audit log queries and the table's rules", () => {
  it("keeps each organization's log to itself, and the admin list to platform admins", async () => {
    const a = await createTestOrganization("audita");
    const b = await createTestOrganization("auditb");
    await recordAudit({ organizationId: a.org.id, actor: { type: "user", id: a.user.id, email: a.user.email }, action: "member.invited", target: { type: "invitation", id: "inv_a" } });
    await recordAudit({ organizationId: b.org.id, actor: { type: "api_key", id: "key_b" }, action: "api_key.created" });
    const ofA = await listAuditEvents({ orgId: a.org.id });
    expect(ofA.map((e) => e.organizationId)).toEqual([a.org.id]);
    expect(await listAuditEventsForAdmin({ isPlatformAdmin: false })).toEqual([]);
    const adminB = await listAuditEventsForAdmin({ isPlatformAdmin: true }, { orgId: b.org.id });
    expect(adminB.map((e) => [e.organizationId, e.organizationName, e.actorType])).toEqual([[b.org.id, b.org.name, "api_key"]]);
    expect((await listAuditActors({ orgId: a.org.id })).map((x) => x.email)).toEqual([a.user.email]);
    expect(await listAuditEvents({ orgId: a.org.id }, { actor: { type: "api_key" } })).toEqual([]);
    expect((await listAuditEvents({ orgId: b.org.id }, { action: "api_key.created", actor: { type: "api_key", id: "key_b" } })).length).toBe(1);
  });

  it("pages with a keyset cursor: every event once, newest first", async () => {
    const ctx = await createTestOrganization("auditpages");
    const db = await getDb();
    const base = Date.now() - 10_000;
    // Two events share each timestamp, so the id breaks ties.
    await db.insert(auditEvents).values(
      Array.from({ length: 130 }, (_, i) => ({
        id: `aud_page${String(i).padStart(16, "0")}`,
        organizationId: ctx.org.id,
        actorType: "system" as const,
        action: "organization.updated",
        createdAt: new Date(base + Math.floor(i / 2) * 10),
      })),
    );
    const seen: string[] = [];
    let before: { createdAt: Date; id: string } | undefined;
    for (let page = 0; page < 5; page += 1) {
      const rows = await listAuditEvents({ orgId: ctx.org.id }, { before });
      const shown = rows.slice(0, AUDIT_PAGE_SIZE);
      seen.push(...shown.map((r) => r.id));
      if (rows.length <= AUDIT_PAGE_SIZE) break;
      before = { createdAt: shown.at(-1)!.createdAt, id: shown.at(-1)!.id };
    }
    expect(seen).toHaveLength(130);
    expect(new Set(seen).size).toBe(130);
    expect(seen).toEqual([...seen].sort().reverse());

    // Older to the end, then Newer back to the start, with the URL's cursors (microseconds): the same pages, no row
    // twice or lost, and Newer / Older offered exactly where further pages exist.
    const walk = async (cursors: { before?: string; after?: string }) => {
      const rows = await listAuditEvents({ orgId: ctx.org.id }, { before: decodeCursor(cursors.before), after: cursors.before ? undefined : decodeCursor(cursors.after) });
      return pageWindow(rows, cursors, AUDIT_PAGE_SIZE);
    };
    const pages: string[][] = [];
    let cursors: { before?: string; after?: string } = {};
    let lastPage: Awaited<ReturnType<typeof walk>>["page"] = [];
    for (;;) {
      const w = await walk(cursors);
      pages.push(w.page.map((r) => r.id));
      lastPage = w.page;
      expect(w.hasNewer).toBe(pages.length > 1);
      if (!w.hasOlder) break;
      cursors = { before: encodeCursor(w.page.at(-1)!) };
    }
    expect(pages.map((p) => p.length)).toEqual([50, 50, 30]);
    expect(pages.flat()).toEqual(seen);
    let w = await walk({ after: encodeCursor(lastPage[0]!) });
    expect(w.page.map((r) => r.id)).toEqual(pages[1]);
    expect(w.hasNewer && w.hasOlder).toBe(true);
    w = await walk({ after: encodeCursor(w.page[0]!) });
    expect(w.page.map((r) => r.id)).toEqual(pages[0]);
    expect(w.hasNewer).toBe(false);
    expect(w.hasOlder).toBe(true);

    // The total: exact, filters applied, cursors aside; a capped count says "estimated" past its cap; admins only.
    expect(await countAuditEvents({ orgId: ctx.org.id }, { before: decodeCursor(cursors.before) })).toEqual({ count: 130, exact: true });
    expect(await countAuditEvents({ orgId: ctx.org.id }, { action: "api_key.created" })).toEqual({ count: 0, exact: true });
    expect(await countAuditEventsForAdmin({ isPlatformAdmin: true }, { orgId: ctx.org.id })).toEqual({ count: 130, exact: true });
    expect(await countAuditEventsForAdmin({ isPlatformAdmin: false }, { orgId: ctx.org.id })).toEqual({ count: 0, exact: true });
  });

  it("refuses updates and deletes in the database; only the retention purge removes old events", async () => {
    const ctx = await createTestOrganization("auditappend");
    const { id } = await recordAudit({ organizationId: ctx.org.id, actor: { type: "system" }, action: "organization.updated" });
    const db = await getDb();
    await expect(db.update(auditEvents).set({ action: "organization.created" }).where(eq(auditEvents.id, id))).rejects.toThrow();
    await expect(db.delete(auditEvents).where(eq(auditEvents.id, id))).rejects.toThrow();
    await expect(db.execute(sql`truncate audit_events`)).rejects.toThrow();
    expect(await eventsOf(ctx.org.id)).toHaveLength(1);
    // An event older than AUDIT_RETENTION_DAYS (365) goes; a recent one stays.
    await db.insert(auditEvents).values({ id: "aud_old_one_for_purge_test", organizationId: ctx.org.id, actorType: "system", action: "organization.updated", createdAt: new Date(Date.now() - 400 * 86_400_000) });
    const { auditEvents: purged } = await purgeOldAuditEvents();
    expect(purged).toBeGreaterThanOrEqual(1);
    expect((await eventsOf(ctx.org.id)).map((e) => e.id)).toEqual([id]);
  });
});
