import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Before any app module loads: endpoints on 127.0.0.1 are allowed (this test's endpoint is never reachable).
process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";

const { closeDb, getDb } = await import("@/db");
const { auditEvents, deliveries, emails, events, invitations, organizationBilling, organizations, platformKeys, webhookEndpoints } = await import("@/db/schema");
const { createApiKey } = await import("@/lib/api-keys");
const { runAction } = await import("@/lib/action");
const { createEndpointSchema } = await import("@/app/(portal)/webhooks/schemas");
const { createEndpoint } = await import("@/lib/endpoints/operations");
const { createPlatformKey, revokePlatformKey, listPlatformKeys } = await import("@/lib/platform/keys");
const { PLATFORM_OPERATIONS } = await import("@/lib/platform/openapi");
const { newId } = await import("@/lib/ids");
const { callRoute } = await import("@/testing/api");
const { createTestOrganization } = await import("@/testing/organization");
const { sessionContextFor } = await import("@/testing/session");
const orgsRoute = await import("./organizations/route");
const orgRoute = await import("./organizations/[org]/route");
const eventsRoute = await import("./organizations/[org]/events/route");
const endpointsRoute = await import("./organizations/[org]/endpoints/route");
const deliveriesRoute = await import("./organizations/[org]/deliveries/route");
const invitationsRoute = await import("./organizations/[org]/invitations/route");
const openapiRoute = await import("./openapi.json/route");
const v1Events = await import("@/app/api/v1/events/route");

type Json = Record<string, unknown>;
type ErrorBody = { error: { code: string; message: string; issues?: { path: string; message: string }[]; existingId?: string } };

let key: string;
let keyId: string;
let revokedKey: string;
let partnerKey: string;
let acmeId: string;
const suffix = newId("t", 8).slice(2);

const REVOKED_EXAMPLE = {
  credentialId: "CRD-ZBUYQMTA",
  credentialUuid: "5f0c7c1e-2f4b-4a7e-9a51-0d6a3c7e9b21",
  badgeId: "BDG-CLOUD-ARCH",
  recipientEmail: "jane.doe@example.com",
  issuanceDate: "2026-11-22T09:00:00Z",
  revokedAt: "2026-11-23T08:00:00Z",
};

beforeAll(async () => {
  const admin = await sessionContextFor("admin@example.com");
  ({ key, id: keyId } = await createPlatformKey({ name: "platform tests" }, admin));
  const revoked = await createPlatformKey({ name: "revoked" }, admin);
  await revokePlatformKey({ id: revoked.id }, admin);
  revokedKey = revoked.key;
  const acme = await sessionContextFor("partner@example.com");
  acmeId = acme.org.id;
  partnerKey = (await createApiKey({ name: "partner key on the platform API" }, acme)).key;
});

afterAll(async () => {
  await closeDb();
});

const create = (body: unknown) => callRoute<Json & ErrorBody>(orgsRoute.POST, { path: "/api/platform/v1/organizations", key, body });
const get = (org: string, k: string | null = key) =>
  callRoute<Json & ErrorBody>(orgRoute.GET, { path: `/api/platform/v1/organizations/${encodeURIComponent(org)}`, key: k, params: { org } });

describe("platform keys", () => {
  it("are hk_platform_ and 256 random bits, stored only as a hash, listed with their last use; a revoked one stays listed", async () => {
    expect(key).toMatch(/^hk_platform_[A-Za-z0-9_-]{43}$/);
    const db = await getDb();
    const [row] = await db.select().from(platformKeys).where(eq(platformKeys.id, keyId));
    expect(row!.keyHash).not.toContain(key.slice(12));
    expect(JSON.stringify(row)).not.toContain(key);
    await get(acmeId);
    const admin = await sessionContextFor("admin@example.com");
    const listed = await listPlatformKeys(admin);
    const mine = listed.find((k) => k.id === keyId)!;
    expect(mine.lastUsedAt).not.toBeNull();
    expect(listed.find((k) => k.name === "revoked")!.revokedAt).not.toBeNull();
    const audit = await db.select().from(auditEvents).where(and(eq(auditEvents.targetId, keyId), eq(auditEvents.action, "platform_key.created")));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ organizationId: null, actorType: "user", actorEmail: "admin@example.com" });
    expect(JSON.stringify(audit[0]!.changes)).not.toContain(key);
  });

  it("are refused to partners as a missing page", async () => {
    const partner = await sessionContextFor("partner@example.com");
    await expect(createPlatformKey({ name: "nope" }, partner)).rejects.toMatchObject({ code: "not_found" });
    await expect(listPlatformKeys(partner)).rejects.toMatchObject({ code: "not_found" });
    await expect(revokePlatformKey({ id: keyId }, partner)).rejects.toMatchObject({ code: "not_found" });
  });

  it("401: no key, a partner's key, a revoked platform key, a malformed one; and a platform key gets 401 on /api/v1", async () => {
    for (const k of [null, partnerKey, revokedKey, "hk_platform_short", `${key}x`]) {
      const r = await get(acmeId, k);
      expect(r.status, String(k).slice(0, 16)).toBe(401);
      expect(r.body.error.code).toBe("unauthorized");
    }
    const v1 = await callRoute<ErrorBody>(v1Events.POST, { path: "/api/v1/events", key, body: { type: "credential.revoked", data: REVOKED_EXAMPLE } });
    expect(v1.status).toBe(401);
  });
});

describe("POST /organizations", () => {
  it("creates an organization (201), audited as the key, with a slug from the name", async () => {
    const r = await create({ name: `Initech ${suffix}`, externalId: `crm-${suffix}`, plan: "enterprise" });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: `Initech ${suffix}`, externalId: `crm-${suffix}`, plan: "enterprise", active: true, slug: `initech-${suffix}` });
    expect(r.body.id).toMatch(/^org_[0-9a-z]{20}$/);
    const db = await getDb();
    const [audit] = await db.select().from(auditEvents).where(and(eq(auditEvents.organizationId, r.body.id as string), eq(auditEvents.action, "organization.created")));
    expect(audit).toMatchObject({ actorType: "platform_key", actorId: keyId });
  });

  it("the same externalId again: 409 with the existing id; with the first request's idempotency key: 200 and the same organization", async () => {
    const body = { name: `Globex ${suffix}`, externalId: `globex-${suffix}`, idempotencyKey: `signup-${suffix}` };
    const first = await create(body);
    expect(first.status).toBe(201);
    const again = await create(body);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    // Through the header instead of the body.
    const viaHeader = await callRoute<Json>(orgsRoute.POST, {
      path: "/api/platform/v1/organizations",
      key,
      body: { name: body.name, externalId: body.externalId },
      headers: { "idempotency-key": body.idempotencyKey },
    });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.body.id).toBe(first.body.id);
    const noKey = await create({ name: body.name, externalId: body.externalId });
    expect(noKey.status).toBe(409);
    expect(noKey.body.error.code).toBe("conflict:external_id");
    expect(noKey.body.error.existingId).toBe(first.body.id);
    const otherKey = await create({ ...body, idempotencyKey: `other-${suffix}` });
    expect(otherKey.status).toBe(409);
    expect(otherKey.body.error.existingId).toBe(first.body.id);
    // The same idempotency key for a different request is refused, never answered with the first organization.
    const reused = await create({ ...body, name: `Not Globex ${suffix}` });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe("conflict:idempotency_key");
    const db = await getDb();
    const rows = await db.select().from(organizations).where(eq(organizations.externalId, body.externalId));
    expect(rows).toHaveLength(1);
  });

  it("two creates with the same idempotency key at once make one organization", async () => {
    const body = { name: `Race ${suffix}`, externalId: `race-${suffix}`, idempotencyKey: `race-${suffix}` };
    const [a, b] = await Promise.all([create(body), create(body)]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.id).toBe(b.body.id);
  });

  it("requests with one idempotency key in several processes make one organization, also when its slug is taken", async () => {
    // The name's slug belongs to another organization, so each request picks a slug of its own (a random suffix):
    // nothing but the idempotency key can tell them apart. createOnce is one process's part (no in-process queue).
    const { createOnce } = await import("@/lib/platform/organizations");
    const name = `Rival ${suffix}`;
    const first = await create({ name });
    expect(first.status).toBe(201);
    const input = { name, plan: "free" as const };
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () => createOnce(input, `rival-${suffix}`, { actor: { type: "system" }, ip: null })),
    );
    expect(outcomes.map((o) => o.status).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(outcomes.map((o) => o.organization.id)).size).toBe(1);
    const db = await getDb();
    const named = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.name, name));
    // The first organization, and one more: the three that lost were rolled back with their audit events.
    expect(named).toHaveLength(2);
    const created = await db
      .select({ target: auditEvents.targetId })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "organization.created"), inArray(auditEvents.targetId, named.map((o) => o.id))));
    expect(created).toHaveLength(2);
  });

  it("400 with a message for bad bodies; a taken slug is 409", async () => {
    const cases: [unknown, string][] = [
      [{}, "name"],
      [{ name: "" }, "name"],
      [{ name: "A\u0000B" }, "(body)"],
      [{ name: "Ok", externalId: "has space" }, "externalId"],
      [{ name: "Ok", plan: "platinum" }, "plan"],
      [{ name: "Ok", slug: "Bad Slug!" }, "slug"],
      [{ name: "Ok", surprise: true }, "(body)"],
      [[1, 2], "(body)"],
    ];
    for (const [body, field] of cases) {
      const r = await create(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.message).toBeTruthy();
      if (field !== "(body)") expect(r.body.error.issues?.map((i) => i.path), JSON.stringify(body)).toContain(field);
    }
    const raw = await callRoute<ErrorBody>(orgsRoute.POST, { path: "/api/platform/v1/organizations", key, raw: "{not json" });
    expect(raw.status).toBe(400);
    expect(raw.body.error.code).toBe("invalid_json");
    const big = await create({ name: "x".repeat(300 * 1024) });
    expect(big.status).toBe(413);
    const badHeader = await callRoute<ErrorBody>(orgsRoute.POST, { path: "/api/platform/v1/organizations", key, body: { name: "Ok" }, headers: { "idempotency-key": "has space" } });
    expect(badHeader.status).toBe(400);
    const acme = await get(acmeId);
    const slugTaken = await create({ name: "Another", slug: acme.body.slug });
    expect(slugTaken.status).toBe(409);
  });
});

describe("GET /organizations", () => {
  it("pages with a keyset cursor, finds one by externalId, leaves out Herald's platform organization", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 50; page += 1) {
      const q: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const r = await callRoute<{ data: Json[]; nextCursor: string | null; hasMore: boolean }>(orgsRoute.GET, { path: `/api/platform/v1/organizations${q}`, key });
      expect(r.status).toBe(200);
      expect(r.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...r.body.data.map((o) => o.id as string));
      expect(r.body.hasMore).toBe(r.body.nextCursor !== null);
      cursor = r.body.nextCursor;
      if (!cursor) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    const db = await getDb();
    const all = await db.select({ id: organizations.id, isPlatform: organizations.isPlatform }).from(organizations);
    expect(new Set(seen)).toEqual(new Set(all.filter((o) => !o.isPlatform).map((o) => o.id)));
    const one = await callRoute<{ data: Json[] }>(orgsRoute.GET, { path: `/api/platform/v1/organizations?externalId=crm-${suffix}`, key });
    expect(one.body.data.map((o) => o.externalId)).toEqual([`crm-${suffix}`]);
    for (const q of ["limit=0", "limit=101", "limit=x", "cursor=!!", "cursor=bm9wZQ", `externalId=${"x".repeat(200)}`]) {
      const bad = await callRoute<ErrorBody>(orgsRoute.GET, { path: `/api/platform/v1/organizations?${q}`, key });
      expect(bad.status, q).toBe(400);
      expect(bad.body.error.message).toBeTruthy();
    }
  });
});

describe("GET and PATCH /organizations/{org}", () => {
  it("finds an organization by id and by ext:<externalId>; every other spelling is a 404, never a 500", async () => {
    const byExt = await get(`ext:crm-${suffix}`);
    expect(byExt.status).toBe(200);
    const byId = await get(byExt.body.id as string);
    expect(byId.body).toEqual(byExt.body);
    const db = await getDb();
    const [platformOrg] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.isPlatform, true));
    const spellings = [
      "org_00000000000000000000",
      "ORG_" + (byExt.body.id as string).slice(4),
      `ext:CRM-${suffix}`,
      "ext:",
      "ext:has space",
      "ext:\u00e9t\u00e9",
      "ext:../..",
      "..",
      "%2e%2e",
      `${byExt.body.id as string}/../${acmeId}`,
      `ext:crm-${suffix}%00`,
      "ext:" + "x".repeat(129),
      "' or 1=1 --",
      "*",
      ...(platformOrg ? [platformOrg.id] : []),
    ];
    for (const org of spellings) {
      const r = await get(org);
      expect(r.status, org).toBe(404);
      expect(r.body.error.code).toBe("not_found:organization");
    }
    const nul = await get(`ext:crm-${suffix}\u0000`);
    expect(nul.status).toBe(404);
  });

  it("PATCH renames, sets the plan and deactivates/reactivates, each audited as the key; bad bodies 400, unknown org 404", async () => {
    const made = await create({ name: `Patch ${suffix}`, externalId: `patch-${suffix}` });
    const id = made.body.id as string;
    const patch = (org: string, body: unknown) =>
      callRoute<Json & ErrorBody>(orgRoute.PATCH, { method: "PATCH", path: `/api/platform/v1/organizations/${org}`, key, body, params: { org } });
    const renamed = await patch(`ext:patch-${suffix}`, { name: `Patched ${suffix}`, plan: "pro" });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: `Patched ${suffix}`, plan: "pro", active: true });
    const off = await patch(id, { active: false });
    expect(off.body.active).toBe(false);
    const on = await patch(id, { active: true });
    expect(on.body.active).toBe(true);
    const db = await getDb();
    const audit = await db.select().from(auditEvents).where(eq(auditEvents.organizationId, id));
    const actions = audit.filter((a) => a.actorType === "platform_key" && a.actorId === keyId).map((a) => a.action).sort();
    expect(actions).toEqual(["organization.created", "organization.deactivated", "organization.plan_changed", "organization.reactivated", "organization.updated"].sort());
    const [billing] = await db.select().from(organizationBilling).where(eq(organizationBilling.organizationId, id));
    expect(billing!.planSetBy).toBe('platform key "platform tests"');
    for (const body of [{}, { active: "yes" }, { plan: "gold" }, { name: "" }, { id: acmeId, name: "x" }]) {
      const r = await patch(id, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    const missing = await patch("ext:nobody-has-this", { name: "x" });
    expect(missing.status).toBe(404);
    // The 404 comes before the body is read: a hostile body on an unknown organization is still just a 404.
    const missingBad = await patch("org_00000000000000000000", { name: "\u0000" });
    expect(missingBad.status).toBe(404);
  });
});

describe("POST /organizations/{org}/events", () => {
  it("has the semantics of POST /api/v1/events: 202, 200 for a repeated idempotency key, 400 for catalog violations, 403 when deactivated", async () => {
    const made = await create({ name: `Events ${suffix}`, externalId: `events-${suffix}`, plan: "pro" });
    const id = made.body.id as string;
    const publish = (org: string, body: unknown, k = key) =>
      callRoute<Json & ErrorBody>(eventsRoute.POST, { path: `/api/platform/v1/organizations/${org}/events`, key: k, body, params: { org } });
    const first = await publish(`ext:events-${suffix}`, { type: "credential.revoked", data: REVOKED_EXAMPLE, idempotencyKey: "rev-1" });
    expect(first.status).toBe(202);
    const again = await publish(id, { type: "credential.revoked", data: REVOKED_EXAMPLE, idempotencyKey: "rev-1" });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const db = await getDb();
    const stored = await db.select().from(events).where(eq(events.id, first.body.id as string));
    expect(stored[0]!.organizationId).toBe(id);
    // In the organization's audit log as the key, once (the repeat changed nothing).
    const published = await db.select().from(auditEvents).where(and(eq(auditEvents.organizationId, id), eq(auditEvents.action, "event.published")));
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ actorType: "platform_key", actorId: keyId, targetId: first.body.id });
    const unknownType = await publish(id, { type: "credential.exploded", data: {} });
    expect(unknownType.status).toBe(400);
    expect(unknownType.body.error.message).toContain("Unknown event type");
    const badData = await publish(id, { type: "credential.revoked", data: { credentialId: 5 } });
    expect(badData.status).toBe(400);
    expect(badData.body.error.issues?.length).toBeGreaterThan(0);
    const reserved = await publish(id, { type: "credential.revoked", data: REVOKED_EXAMPLE, idempotencyKey: "herald:x" });
    expect(reserved.status).toBe(400);
    expect((await publish("ext:nobody", { type: "credential.revoked", data: REVOKED_EXAMPLE })).status).toBe(404);
    expect((await publish(id, { type: "credential.revoked", data: REVOKED_EXAMPLE }, partnerKey)).status).toBe(401);
    expect((await publish(id, { type: "credential.revoked", data: REVOKED_EXAMPLE }, revokedKey)).status).toBe(401);
    await callRoute(orgRoute.PATCH, { method: "PATCH", path: `/api/platform/v1/organizations/${id}`, key, body: { active: false }, params: { org: id } });
    const off = await publish(id, { type: "credential.revoked", data: REVOKED_EXAMPLE });
    expect(off.status).toBe(403);
  });
});

describe("GET /organizations/{org}/endpoints and /deliveries", () => {
  it("lists the organization's endpoints without secrets, and its deliveries newest first, by status, with a cursor", async () => {
    const owner = await createTestOrganization("platdlv");
    const org = owner.org.id;
    const made = await runAction(owner, createEndpointSchema, createEndpoint, { url: "https://127.0.0.1:9/platform-hook", description: "Platform view" });
    if (!made.ok) throw new Error(made.error.message);
    const db = await getDb();
    // Switched off, so nothing tries to deliver the rows below; the rows are what a busy endpoint leaves.
    await db.update(webhookEndpoints).set({ active: false }).where(eq(webhookEndpoints.id, made.data.id));
    const [secretRow] = await db.select({ secret: webhookEndpoints.secretEncrypted }).from(webhookEndpoints).where(eq(webhookEndpoints.id, made.data.id));
    const endpointsReply = await callRoute<{ data: Json[] }>(endpointsRoute.GET, { path: `/api/platform/v1/organizations/${org}/endpoints`, key, params: { org } });
    expect(endpointsReply.status).toBe(200);
    expect(endpointsReply.body.data.map((e) => e.id)).toEqual([made.data.id]);
    expect(JSON.stringify(endpointsReply.body)).not.toContain("whsec_");
    expect(JSON.stringify(endpointsReply.body)).not.toContain(secretRow!.secret.slice(0, 24));
    const inserted: string[] = [];
    for (let i = 0; i < 55; i += 1) {
      const eventId = newId("evt", 24);
      const deliveryId = newId("dlv", 24);
      inserted.push(deliveryId);
      await db.insert(events).values({ id: eventId, organizationId: org, type: "credential.revoked", data: REVOKED_EXAMPLE });
      // Times one microsecond apart (within one millisecond: a cursor cut to milliseconds would skip or repeat rows).
      await db.insert(deliveries).values({
        id: deliveryId,
        organizationId: org,
        eventId,
        endpointId: made.data.id,
        status: i % 5 === 0 ? "failed" : "succeeded",
        attemptCount: 1,
        createdAt: sql`timestamptz '2026-11-20 10:00:00.000100+00' + ${i} * interval '1 microsecond'`,
      });
    }
    const list = (q = "", k = key) =>
      callRoute<{ data: Json[]; nextCursor: string | null; hasMore: boolean } & ErrorBody>(deliveriesRoute.GET, {
        path: `/api/platform/v1/organizations/${org}/deliveries${q}`,
        key: k,
        params: { org },
      });
    const first = await list();
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(50);
    expect(first.body.hasMore).toBe(true);
        const second = await list(`?cursor=${first.body.nextCursor}`);
    expect(second.body.data).toHaveLength(5);
    expect(second.body.nextCursor).toBeNull();
    // Newest first across both pages, each delivery once.
    expect([...first.body.data, ...second.body.data].map((d) => d.id)).toEqual([...inserted].reverse());
    const failed = await list("?status=failed");
    expect(failed.body.data).toHaveLength(11);
    expect(failed.body.data.every((d) => d.status === "failed")).toBe(true);
    expect(JSON.stringify(first.body)).not.toContain("recipientEmail");
    for (const q of ["?status=exploded", "?cursor=%21", "?cursor=bm9wZQ"]) expect((await list(q)).status, q).toBe(400);
    expect((await list("", partnerKey)).status).toBe(401);
    const wrong = await callRoute(deliveriesRoute.GET, { path: `/api/platform/v1/organizations/ext:nope/deliveries`, key, params: { org: "ext:nope" } });
    expect(wrong.status).toBe(404);
  });
});

describe("POST /organizations/{org}/invitations", () => {
  it("invites through the portal's flow (email kept without SMTP), audited as the key; refuses repeats and bad input", async () => {
    const made = await create({ name: `Invite ${suffix}`, externalId: `invite-${suffix}` });
    const id = made.body.id as string;
    const invite = (org: string, body: unknown) =>
      callRoute<Json & ErrorBody>(invitationsRoute.POST, { path: `/api/platform/v1/organizations/${org}/invitations`, key, body, params: { org } });
    const email = `owner-${suffix}@initech.example`;
    const r = await invite(`ext:invite-${suffix}`, { email: email.toUpperCase(), role: "owner" });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ organizationId: id, email, role: "owner" });
    const db = await getDb();
    const [row] = await db.select().from(invitations).where(eq(invitations.id, r.body.id as string));
    expect(row).toMatchObject({ organizationId: id, email, role: "owner" });
    const mail = await db.select().from(emails).where(eq(emails.organizationId, id));
    expect(mail.map((m) => m.template)).toContain("invitation");
    const [audit] = await db.select().from(auditEvents).where(and(eq(auditEvents.organizationId, id), eq(auditEvents.action, "member.invited")));
    expect(audit).toMatchObject({ actorType: "platform_key", actorId: keyId });
    const again = await invite(id, { email, role: "owner" });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain("already invited");
    for (const body of [{}, { email: "nope" }, { email, role: "admin" }, { email, extra: 1 }]) {
      const bad = await invite(id, body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
    }
    const member = await invite(id, { email: `m-${suffix}@initech.example` });
    expect(member.body.role).toBe("member");
    expect((await invite("ext:nope", { email })).status).toBe(404);
  });
});

describe("the platform OpenAPI document", () => {
  it("documents every route under /api/platform/v1, and only routes that exist", async () => {
    const reply = await callRoute<{ paths: Record<string, Record<string, unknown>> }>(openapiRoute.GET, { path: "/api/platform/v1/openapi.json" });
    expect(reply.status).toBe(200);
    const root = path.join(process.cwd(), "app");
    for (const op of PLATFORM_OPERATIONS) {
      expect(reply.body.paths[op.path]?.[op.method.toLowerCase()]).toBeDefined();
      const file = path.join(root, op.path.replace(/\{(\w+)\}/g, "[$1]"), "route.ts");
      expect(existsSync(file), file).toBe(true);
      const mod = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
      expect(typeof mod[op.method], `${op.method} ${op.path}`).toBe("function");
    }
    const documented = new Set(PLATFORM_OPERATIONS.map((op) => `${op.method} ${op.path.replace(/\{(\w+)\}/g, "[$1]")}`));
    const routeFiles = (readdirSync(path.join(root, "api/platform/v1"), { recursive: true }) as string[]).filter((f) => f.endsWith("route.ts"));
    for (const file of routeFiles) {
      if (file.startsWith("openapi.json")) continue;
      const mod = (await import(/* @vite-ignore */ path.join(root, "api/platform/v1", file))) as Record<string, unknown>;
      const routePath = `/api/platform/v1/${path.dirname(file)}`;
      for (const method of ["GET", "POST", "PATCH", "PUT", "DELETE"]) {
        if (typeof mod[method] === "function") expect(documented.has(`${method} ${routePath}`), `${method} ${routePath}`).toBe(true);
      }
    }
  });
});
