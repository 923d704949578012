import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/db";
import { credentials, events, organizations, verificationSessions } from "@/db/schema";
import { API_OPERATIONS } from "@/lib/api/openapi";
import { createApiKey } from "@/lib/api-keys";
import { callRoute } from "@/testing/api";
import { createTestOrganization } from "@/testing/organization";
import { sessionContextFor } from "@/testing/session";
import { expireDueCredentials, listCredentials } from "@/lib/sources/credentials";
import { listEvents } from "@/lib/sources/events";
import { addToOutbox, flushOutbox } from "@/lib/sources/outbox";
import { runBulkIssuanceWorkflow } from "@/lib/sources/bulk-issuance";
import type { Steps } from "@/lib/workflows/steps";
import * as eventsRoute from "./events/route";
import * as openapiRoute from "./openapi.json/route";
import * as sessionsRoute from "./sessions/route";
import * as sessionRoute from "./sessions/[id]/route";
import * as completeRoute from "./sessions/[id]/complete/route";
import * as credentialsRoute from "./credentials/route";
import * as credentialRoute from "./credentials/[id]/route";
import * as claimRoute from "./credentials/[id]/claim/route";
import * as revokeRoute from "./credentials/[id]/revoke/route";
import * as renewRoute from "./credentials/[id]/renew/route";
import * as bulkRoute from "./credentials/bulk/route";
import * as bulkStatusRoute from "./credentials/bulk/[id]/route";

type Json = Record<string, unknown>;

let mine: Awaited<ReturnType<typeof createTestOrganization>>;
let myKey: string;
let theirKey: string;
let myOrg: string;

beforeAll(async () => {
  // "Mine" is an organization of this file's own on Pro: Pro has the API but no webhooks, so it has no endpoints and
  // the events these tests publish fan out to nobody (the integration database is shared by every test file).
  // "Theirs" is Acme.
  mine = await createTestOrganization("api", "pro");
  const theirs = await sessionContextFor("partner@example.com");
  myOrg = mine.org.id;
  myKey = (await createApiKey({ name: "api tests" }, mine)).key;
  theirKey = (await createApiKey({ name: "api tests" }, theirs)).key;
});

afterAll(async () => {
  await closeDb();
});

async function eventsFor(orgId: string, type: string, where: (data: Json) => boolean) {
  const db = await getDb();
  const rows = await db.select().from(events).where(and(eq(events.organizationId, orgId), eq(events.type, type)));
  return rows.filter((r) => where(r.data));
}

const createSession = (body: Json = { platform: "linkedin", referenceId: "ref-1", metadata: { campaign: "c", _trace: "t" } }, key = myKey) =>
  callRoute<Json>(sessionsRoute.POST, { path: "/api/v1/sessions", key, body });

const complete = (id: string, body: Json, key = myKey) =>
  callRoute<Json>(completeRoute.POST, { path: `/api/v1/sessions/${id}/complete`, key, body, params: { id } });

const issue = (body: Json = {}, key = myKey) =>
  callRoute<Json>(credentialsRoute.POST, {
    path: "/api/v1/credentials",
    key,
    body: { badgeId: "BDG-TEST", recipientEmail: "jane@example.com", ...body },
  });

const act = (route: { POST: unknown }, verb: string, id: string, body: Json = {}, key = myKey) =>
  callRoute<Json>(route.POST, { path: `/api/v1/credentials/${id}/${verb}`, key, body, params: { id } });

describe("sessions", () => {
  it("creates a PENDING session, and a repeated idempotency key returns the first one", async () => {
    const first = await createSession({ platform: "github", idempotencyKey: "ses-idem-1" });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: "PENDING", platform: "github", referenceId: null });
    expect(String(first.body.id)).toMatch(/^ses_/);
    const again = await createSession({ platform: "github", idempotencyKey: "ses-idem-1" });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const got = await callRoute<Json>(sessionRoute.GET, { path: `/api/v1/sessions/${first.body.id}`, key: myKey, params: { id: String(first.body.id) } });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(first.body);
  });

  it("completes once, publishes session.completed with the attestation's hash only, and answers 409 after", async () => {
    const { body: session } = await createSession();
    const id = String(session.id);
    const done = await complete(id, { status: "COMPLETED", account: { username: "jane" }, attestation: "raw-attestation-jws" });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: "COMPLETED", account: { username: "jane" } });
    const sha = (done.body.attestation as { sha256: string }).sha256;
    expect(sha).toMatch(/^[a-f0-9]{64}$/);
    const published = await eventsFor(myOrg, "session.completed", (d) => d.sessionId === id);
    expect(published).toHaveLength(1);
    expect(published[0]!.data).toMatchObject({ sessionId: id, status: "COMPLETED", platform: "linkedin", referenceId: "ref-1", attestation: { sha256: sha } });
    expect(JSON.stringify(published[0]!.data)).not.toContain("raw-attestation-jws");
    const db = await getDb();
    const [row] = await db.select().from(verificationSessions).where(eq(verificationSessions.id, id));
    expect(JSON.stringify(row)).not.toContain("raw-attestation-jws");

    const second = await complete(id, { status: "CANCELLED" });
    expect(second.status).toBe(409);
    expect((second.body.error as Json).message).toContain("already COMPLETED");
  });

  it("lets exactly one of 12 concurrent terminal transitions win, with one event", async () => {
    const { body: session } = await createSession({ platform: "x" });
    const id = String(session.id);
    const statuses = ["COMPLETED", "PARTIAL_COMPLETE", "ERROR", "CANCELLED", "TERMINATED", "ERROR"];
    const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => complete(id, { status: statuses[i % statuses.length] })));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 409)).toHaveLength(11);
    const db = await getDb();
    const all = await db
      .select()
      .from(events)
      .where(and(eq(events.organizationId, myOrg), sql`${events.data} ->> 'sessionId' = ${id}`));
    expect(all).toHaveLength(1);
    expect(all[0]!.data.status).toBe(replies.find((r) => r.status === 200)!.body.status);
  });

  it("publishes each terminal status as its own event type, without account data unless COMPLETED", async () => {
    const types: Record<string, string> = {
      PARTIAL_COMPLETE: "session.partial_complete",
      ERROR: "session.error",
      CANCELLED: "session.cancelled",
      TERMINATED: "session.terminated",
    };
    for (const [status, type] of Object.entries(types)) {
      const { body: session } = await createSession({ platform: "p" });
      expect((await complete(String(session.id), { status })).status).toBe(200);
      const [event] = await eventsFor(myOrg, type, (d) => d.sessionId === session.id);
      expect(event?.data).toMatchObject({ status });
      expect(event?.data.account).toBeUndefined();
    }
  });

  it.each([
    [{ status: "DONE" }, "status"],
    [{ status: "ERROR", account: { a: 1 } }, "account"],
    [{}, "status"],
    [{ status: "COMPLETED", attestation: 5 }, "attestation"],
  ])("refuses a bad completion %j with 400 naming %s, and changes nothing", async (body, field) => {
    const { body: session } = await createSession({ platform: "p" });
    const reply = await complete(String(session.id), body);
    expect(reply.status).toBe(400);
    const issues = (reply.body.error as { issues: { path: string; message: string }[] }).issues;
    expect(issues.some((i) => i.path === field && i.message.length > 5)).toBe(true);
    const got = await callRoute<Json>(sessionRoute.GET, { path: "/x", key: myKey, params: { id: String(session.id) } });
    expect(got.body.status).toBe("PENDING");
  });

  it.each([
    [{}, "platform"],
    [{ platform: "" }, "platform"],
    [{ platform: "p", metadata: "nope" }, "metadata"],
    [{ platform: "p".repeat(101) }, "platform"],
    [{ platform: "p", idempotencyKey: "herald:x" }, "idempotencyKey"],
  ])("refuses a bad new session %j (400 on %s)", async (body, field) => {
    const reply = await createSession(body);
    expect(reply.status).toBe(400);
    expect((reply.body.error as { issues: { path: string }[] }).issues.map((i) => i.path)).toContain(field);
  });

  it("hides one organization's sessions from another: 404, and nothing changes", async () => {
    const { body: session } = await createSession();
    const id = String(session.id);
    const got = await callRoute<Json>(sessionRoute.GET, { path: "/x", key: theirKey, params: { id } });
    expect(got.status).toBe(404);
    const unknown = await callRoute<Json>(sessionRoute.GET, { path: "/x", key: theirKey, params: { id: "ses_doesnotexist" } });
    expect(unknown.body).toEqual(got.body);
    expect((await complete(id, { status: "COMPLETED" }, theirKey)).status).toBe(404);
    const own = await callRoute<Json>(sessionRoute.GET, { path: "/x", key: myKey, params: { id } });
    expect(own.body.status).toBe("PENDING");
  });
});

describe("credentials", () => {
  it("issues a credential with credential.issued, idempotently", async () => {
    const first = await issue({ recipientName: "Jane", expirationDate: "2030-01-01T00:00:00Z", idempotencyKey: "crd-idem" });
    expect(first.status).toBe(201);
    expect(String(first.body.credentialId)).toMatch(/^CRD-[A-Z2-9]{8}$/);
    expect(first.body).toMatchObject({ status: "issued", badgeId: "BDG-TEST", recipientName: "Jane", expirationDate: "2030-01-01T00:00:00.000Z" });
    const again = await issue({ recipientName: "Jane", expirationDate: "2030-01-01T00:00:00Z", idempotencyKey: "crd-idem" });
    expect(again.status).toBe(200);
    expect(again.body.credentialId).toBe(first.body.credentialId);
    const published = await eventsFor(myOrg, "credential.issued", (d) => d.credentialId === first.body.credentialId);
    expect(published).toHaveLength(1);
    expect(published[0]!.data).toMatchObject({ credentialUuid: first.body.credentialUuid, recipientEmail: "jane@example.com" });
    const byUuid = await callRoute<Json>(credentialRoute.GET, { path: "/x", key: myKey, params: { id: String(first.body.credentialUuid) } });
    expect(byUuid.body.credentialId).toBe(first.body.credentialId);
  });

  it.each([
    [{ recipientEmail: "not-an-email" }, "recipientEmail"],
    [{ badgeId: "" }, "badgeId"],
    [{ issuanceDate: "2030-01-01T00:00:00Z", expirationDate: "2029-01-01T00:00:00Z" }, "expirationDate"],
    [{ expirationDate: "tomorrow" }, "expirationDate"],
  ])("refuses %j with 400 on %s and stores nothing", async (body, field) => {
    const db = await getDb();
    const [before] = await db.select({ n: sql<number>`count(*)::int` }).from(credentials);
    const reply = await issue(body);
    expect(reply.status).toBe(400);
    expect((reply.body.error as { issues: { path: string }[] }).issues.map((i) => i.path)).toContain(field);
    const [after] = await db.select({ n: sql<number>`count(*)::int` }).from(credentials);
    expect(after!.n).toBe(before!.n);
  });

  it("claims once (concurrently too), then revokes once, with one event each", async () => {
    const { body: c } = await issue();
    const id = String(c.credentialId);
    const claims = await Promise.all(Array.from({ length: 8 }, () => act(claimRoute, "claim", id)));
    expect(claims.filter((r) => r.status === 200)).toHaveLength(1);
    expect(claims.filter((r) => r.status === 409)).toHaveLength(7);
    expect((claims.find((r) => r.status === 409)!.body.error as Json).message).toContain("already claimed");
    expect(await eventsFor(myOrg, "credential.claimed", (d) => d.credentialId === id)).toHaveLength(1);

    const revokes = await Promise.all(Array.from({ length: 5 }, () => act(revokeRoute, "revoke", id, { reason: "Issued in error" })));
    expect(revokes.filter((r) => r.status === 200)).toHaveLength(1);
    const revoked = await eventsFor(myOrg, "credential.revoked", (d) => d.credentialId === id);
    expect(revoked).toHaveLength(1);
    expect(revoked[0]!.data).toMatchObject({ reason: "Issued in error" });
    expect((await act(claimRoute, "claim", id)).status).toBe(409);
    expect((await act(renewRoute, "renew", id)).status).toBe(409);
  });

  it("renews: a successor supersedes the old credential, credential.renewed carries both ids, once", async () => {
    const { body: old } = await issue({ issuanceDate: "2026-01-01T00:00:00Z", expirationDate: "2027-01-01T00:00:00Z" });
    const id = String(old.credentialId);
    const renewals = await Promise.all(Array.from({ length: 4 }, () => act(renewRoute, "renew", id, {})));
    const won = renewals.filter((r) => r.status === 201);
    expect(won).toHaveLength(1);
    const successor = won[0]!.body;
    expect(successor).toMatchObject({ status: "issued", badgeId: "BDG-TEST", renewedFromId: id });
    // The old validity period (one year), from now.
    const validity = new Date(String(successor.expirationDate)).getTime() - new Date(String(successor.issuanceDate)).getTime();
    expect(Math.round(validity / 86_400_000)).toBe(365);
    const previous = await callRoute<Json>(credentialRoute.GET, { path: "/x", key: myKey, params: { id } });
    expect(previous.body).toMatchObject({ status: "superseded", renewedById: successor.credentialId });
    const renewed = await eventsFor(myOrg, "credential.renewed", (d) => d.previousCredentialId === id);
    expect(renewed).toHaveLength(1);
    expect(renewed[0]!.data).toMatchObject({ credentialId: successor.credentialId, previousCredentialUuid: old.credentialUuid });
  });

  it("refuses to claim a credential past its expiration date", async () => {
    const { body: c } = await issue({ issuanceDate: "2020-01-01T00:00:00Z", expirationDate: "2021-01-01T00:00:00Z" });
    const reply = await act(claimRoute, "claim", String(c.credentialId));
    expect(reply.status).toBe(409);
    expect((reply.body.error as Json).message).toContain("expired");
  });

  it("announces credential.expired exactly once per credential, even with concurrent expiry runs", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const { body } = await issue({ recipientEmail: `exp${i}@example.com`, issuanceDate: "2024-01-01T00:00:00Z", expirationDate: "2025-01-01T00:00:00Z" });
      ids.push(String(body.credentialId));
    }
    const { body: later } = await issue({ expirationDate: "2099-01-01T00:00:00Z" });
    const counts = await Promise.all(Array.from({ length: 5 }, () => expireDueCredentials()));
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(12);
    const db = await getDb();
    const expired = await db
      .select()
      .from(events)
      .where(and(eq(events.type, "credential.expired"), inArray(sql`${events.data} ->> 'credentialId'`, ids)));
    expect(expired).toHaveLength(12);
    expect(new Set(expired.map((e) => e.data.credentialId)).size).toBe(12);
    expect(await expireDueCredentials()).toBe(0);
    const rows = await db.select().from(credentials).where(inArray(credentials.id, ids));
    expect(rows.every((r) => r.status === "expired" && r.expiredAt)).toBe(true);
    const [untouched] = await db.select().from(credentials).where(eq(credentials.id, String(later.credentialId)));
    expect(untouched?.status).toBe("issued");
  });

  it("hides one organization's credentials from another on every route", async () => {
    const { body: c } = await issue();
    const id = String(c.credentialId);
    expect((await callRoute(credentialRoute.GET, { path: "/x", key: theirKey, params: { id } })).status).toBe(404);
    expect((await callRoute(credentialRoute.GET, { path: "/x", key: theirKey, params: { id: String(c.credentialUuid) } })).status).toBe(404);
    for (const [route, verb] of [
      [claimRoute, "claim"],
      [revokeRoute, "revoke"],
      [renewRoute, "renew"],
    ] as const) {
      expect((await act(route, verb, id, {}, theirKey)).status).toBe(404);
    }
    const own = await callRoute<Json>(credentialRoute.GET, { path: "/x", key: myKey, params: { id } });
    expect(own.body.status).toBe("issued");
    const list = await callRoute<{ data: Json[] }>(credentialsRoute.GET, { path: "/api/v1/credentials?limit=500", key: theirKey });
    expect(list.body.data.some((x) => x.credentialId === id)).toBe(false);
  });
});

describe("bulk issuance", () => {
  /** The job as the embedded engine runs it, with steps that run at once (no engine in this file). */
  const inline: Steps = { run: async (_id, fn) => JSON.parse(JSON.stringify((await fn()) ?? null)) as unknown, sleep: async () => null };

  it("issues the valid recipients, counts the bad ones as failed, announces each and the end", async () => {
    const reply = await callRoute<Json>(bulkRoute.POST, {
      path: "/api/v1/credentials/bulk",
      key: myKey,
      body: {
        badgeId: "BDG-BULK",
        recipients: [{ email: "a@example.com", name: "A" }, { email: "b@example.com" }, { email: "nope" }, { email: "A@example.com" }, { email: "c@example.com" }],
      },
    });
    expect(reply.status).toBe(202);
    const id = String(reply.body.id);
    expect(reply.body).toMatchObject({ status: "pending", recipientCount: 5 });
    // Twice: a replayed job (after a crash) issues and announces nothing twice.
    await runBulkIssuanceWorkflow({ bulkIssuanceId: id }, inline);
    await runBulkIssuanceWorkflow({ bulkIssuanceId: id }, inline);
    const status = await callRoute<Json>(bulkStatusRoute.GET, { path: "/x", key: myKey, params: { id } });
    expect(status.body).toMatchObject({ status: "completed", issuedCount: 3, failedCount: 2 });
    expect(status.body.failures).toEqual([
      { index: 2, email: "nope", reason: "Not a valid email address." },
      { index: 3, email: "A@example.com", reason: "Listed twice in this request." },
    ]);
    expect(await eventsFor(myOrg, "credential.issued", (d) => d.bulkIssuanceId === id)).toHaveLength(3);
    const completed = await eventsFor(myOrg, "bulk_issuance.completed", (d) => d.bulkIssuanceId === id);
    expect(completed).toHaveLength(1);
    expect(completed[0]!.data).toMatchObject({ issuedCount: 3, failedCount: 2, badgeId: "BDG-BULK" });
    expect((await callRoute(bulkStatusRoute.GET, { path: "/x", key: theirKey, params: { id } })).status).toBe(404);
  });

  it("takes 1,000 recipients and refuses 1,001", async () => {
    const recipients = Array.from({ length: 1000 }, (_, i) => ({ email: `r${i}@example.com` }));
    const ok = await callRoute<Json>(bulkRoute.POST, { path: "/x", key: myKey, body: { badgeId: "BDG-1K", recipients } });
    expect(ok.status).toBe(202);
    await runBulkIssuanceWorkflow({ bulkIssuanceId: String(ok.body.id) }, inline);
    const status = await callRoute<Json>(bulkStatusRoute.GET, { path: "/x", key: myKey, params: { id: String(ok.body.id) } });
    expect(status.body).toMatchObject({ status: "completed", issuedCount: 1000, failedCount: 0 });
    const tooMany = await callRoute<Json>(bulkRoute.POST, {
      path: "/x",
      key: myKey,
      body: { badgeId: "BDG-1K", recipients: [...recipients, { email: "one-more@example.com" }] },
    });
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(tooMany.body)).toContain("At most 1000 recipients");
  }, 60_000);
});

describe("polling", () => {
  it("pages through credentials in a stable order with a cursor, filtered by status and createdAfter", async () => {
    const since = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push(String((await issue({ recipientEmail: `poll${i}@example.com` })).body.credentialId));
    await act(revokeRoute, "revoke", made[1]!);
    await act(revokeRoute, "revoke", made[3]!);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const q = new URLSearchParams({ limit: "2", createdAfter: since, ...(cursor ? { cursor } : {}) });
      const reply = await callRoute<{ data: Json[]; nextCursor: string; hasMore: boolean }>(credentialsRoute.GET, { path: `/api/v1/credentials?${q}`, key: myKey });
      expect(reply.status).toBe(200);
      seen.push(...reply.body.data.map((c) => String(c.credentialId)));
      cursor = reply.body.nextCursor;
      if (!reply.body.hasMore) break;
    }
    expect(seen).toEqual(made);
    // The last cursor is a watermark: nothing new yet, then exactly the new one.
    const empty = await callRoute<{ data: Json[]; nextCursor: string }>(credentialsRoute.GET, { path: `/api/v1/credentials?cursor=${cursor}`, key: myKey });
    expect(empty.body.data).toEqual([]);
    expect(empty.body.nextCursor).toBe(cursor);
    const fresh = String((await issue({ recipientEmail: "poll-new@example.com" })).body.credentialId);
    const next = await callRoute<{ data: Json[] }>(credentialsRoute.GET, { path: `/api/v1/credentials?cursor=${cursor}`, key: myKey });
    expect(next.body.data.map((c) => c.credentialId)).toEqual([fresh]);

    const revoked = await callRoute<{ data: Json[] }>(credentialsRoute.GET, {
      path: `/api/v1/credentials?status=revoked&createdAfter=${encodeURIComponent(since)}`,
      key: myKey,
    });
    expect(revoked.body.data.map((c) => c.credentialId)).toEqual([made[1], made[3]]);
  });

  it("holds back items younger than the settle margin, so a late commit cannot slip behind a cursor", async () => {
    const before = new Date(Date.now() - 1000).toISOString();
    const [anchor] = await eventsFor(myOrg, "credential.issued", () => true).then((rows) => rows.sort((a, b) => +b.createdAt - +a.createdAt));
    const { body: c } = await issue({ recipientEmail: "settle@example.com" });
    const mineIn = (page: { data: { credentialId?: unknown; data?: unknown }[] }) =>
      page.data.some((x) => x.credentialId === c.credentialId || (x.data as Json | undefined)?.credentialId === c.credentialId);
    const allCredentials = async (settleMs: number) => {
      const data: Json[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await listCredentials(myOrg, { limit: 500, createdAfter: before, cursor }, settleMs);
        data.push(...page.data);
        if (!page.hasMore) return { data };
        cursor = page.nextCursor ?? undefined;
      }
    };
    expect(mineIn(await allCredentials(60_000))).toBe(false);
    expect(mineIn(await allCredentials(0))).toBe(true);
    expect(mineIn(await listEvents(myOrg, { limit: 500, after: anchor!.id }, 60_000))).toBe(false);
    expect(mineIn(await listEvents(myOrg, { limit: 500, after: anchor!.id }, 0))).toBe(true);
  });

  it.each([
    ["limit=0", "query.limit"],
    ["limit=abc", "query.limit"],
    ["status=gone", "query.status"],
    ["createdAfter=yesterday", "query.createdAfter"],
  ])("refuses ?%s with 400", async (q, field) => {
    const reply = await callRoute<Json>(credentialsRoute.GET, { path: `/api/v1/credentials?${q}`, key: myKey });
    expect(reply.status).toBe(400);
    expect((reply.body.error as { issues: { path: string }[] }).issues.map((i) => i.path)).toContain(field);
  });

  it("refuses a forged cursor with a clear 400", async () => {
    const reply = await callRoute<Json>(credentialsRoute.GET, { path: "/api/v1/credentials?cursor=garbage", key: myKey });
    expect(reply.status).toBe(400);
    expect((reply.body.error as Json).message).toContain("cursor");
  });

  it("polls events after a given id, by type, in the webhook envelope, never another organization's", async () => {
    const anchor = await callRoute<Json>(eventsRoute.POST, {
      path: "/api/v1/events",
      key: myKey,
      body: { type: "session.error", data: { sessionId: "ses_poll", status: "ERROR", platform: "p", completedAt: "2026-11-22T10:00:00Z", metadata: { ok: 1, internalNote: "x" } } },
    });
    const after = String(anchor.body.id);
    const { body: c } = await issue({ recipientEmail: "events-poll@example.com" });
    await act(revokeRoute, "revoke", String(c.credentialId));
    const all = await callRoute<{ data: Json[]; next: string }>(eventsRoute.GET, { path: `/api/v1/events?after=${after}`, key: myKey });
    expect(all.status).toBe(200);
    expect(all.body.data.map((e) => e.type)).toEqual(["credential.issued", "credential.revoked"]);
    expect(all.body.next).toBe(all.body.data[1]!.id);
    const typed = await callRoute<{ data: Json[] }>(eventsRoute.GET, { path: `/api/v1/events?after=${after}&type=credential.revoked`, key: myKey });
    expect(typed.body.data.map((e) => e.type)).toEqual(["credential.revoked"]);
    const fromStart = await callRoute<{ data: Json[] }>(eventsRoute.GET, { path: `/api/v1/events?type=session.error&limit=500`, key: myKey });
    const polled = fromStart.body.data.find((e) => e.id === after)!;
    expect((polled.data as Json).metadata).toEqual({ ok: 1 });
    const foreign = await callRoute<Json>(eventsRoute.GET, { path: `/api/v1/events?after=${after}`, key: theirKey });
    expect(foreign.status).toBe(400);
    const theirAll = await callRoute<{ data: Json[] }>(eventsRoute.GET, { path: "/api/v1/events?limit=500", key: theirKey });
    expect(theirAll.body.data.some((e) => e.id === after)).toBe(false);
  });
});

describe("the API as a whole", () => {
  it("answers 401 on every operation without a valid key", async () => {
    const handlers = [eventsRoute.POST, eventsRoute.GET, sessionsRoute.POST, sessionRoute.GET, completeRoute.POST, credentialsRoute.POST, credentialsRoute.GET, credentialRoute.GET, claimRoute.POST, revokeRoute.POST, renewRoute.POST, bulkRoute.POST, bulkStatusRoute.GET];
    for (const handler of handlers) {
      for (const key of [null, "hk_live_not-a-real-key-but-long-enough", "Basic abc"]) {
        const reply = await callRoute<Json>(handler, { path: "/api/v1/x", key, body: {}, params: { id: "x" } });
        expect(reply.status).toBe(401);
        expect((reply.body.error as Json).code).toBe("unauthorized");
      }
    }
  });

  it("refuses the API to a plan without it (403 with what to do), and works again after an upgrade", async () => {
    const db = await getDb();
    const other = await createTestOrganization("downgraded", "pro");
    const key = (await createApiKey({ name: "downgrade" }, other)).key;
    await db.update(organizations).set({ plan: "free" }).where(eq(organizations.id, other.org.id));
    const refused = await callRoute<Json>(sessionsRoute.POST, { path: "/api/v1/sessions", key, body: { platform: "p" } });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: "forbidden:plan" });
    expect((refused.body.error as Json).message).toContain("part of the Pro plan");
    const onFree = await sessionContextFor(other.user.email);
    await expect(createApiKey({ name: "on free" }, onFree)).rejects.toThrow("part of the Pro plan");
    await db.update(organizations).set({ plan: "pro" }).where(eq(organizations.id, other.org.id));
    expect((await callRoute(sessionsRoute.POST, { path: "/api/v1/sessions", key, body: { platform: "p" } })).status).toBe(201);
  });

  it("rate-limits each key: a burst over the limit gets 429 with Retry-After, another key is unaffected", async () => {
    const burstKey = (await createApiKey({ name: "burst" }, mine)).key;
    const replies = await Promise.all(
      Array.from({ length: 300 }, () => callRoute<Json>(sessionRoute.GET, { path: "/x", key: burstKey, params: { id: "ses_none" } })),
    );
    const limited = replies.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(replies.filter((r) => r.status === 404).length).toBeGreaterThanOrEqual(100);
    expect(Number(limited[0]!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((limited[0]!.body.error as Json).code).toBe("rate_limited");
    expect((await callRoute(sessionRoute.GET, { path: "/x", key: myKey, params: { id: "ses_none" } })).status).toBe(404);
  });

  it("publishes an outbox event a crash left behind, once", async () => {
    const db = await getDb();
    const [key] = await addToOutbox(db, [
      {
        organizationId: myOrg,
        type: "credential.claimed",
        data: { credentialId: "CRD-OUTBOX01", credentialUuid: "5f0c7c1e-2f4b-4a7e-9a51-0d6a3c7e9b21", badgeId: "B", recipientEmail: "o@example.com", issuanceDate: "2026-11-22T09:00:00Z", claimedAt: "2026-11-22T10:00:00Z" },
        key: "test.outbox:1",
      },
    ]);
    await Promise.all([flushOutbox({ olderThanMs: 0 }), flushOutbox({ olderThanMs: 0 }), flushOutbox({ keys: [key!] })]);
    expect(await eventsFor(myOrg, "credential.claimed", (d) => d.credentialId === "CRD-OUTBOX01")).toHaveLength(1);
  });

  it("documents every route in the OpenAPI document, and documents only routes that exist", async () => {
    const reply = await callRoute<{ paths: Record<string, Record<string, unknown>>; webhooks: Record<string, unknown> }>(openapiRoute.GET, { path: "/api/v1/openapi.json" });
    expect(reply.status).toBe(200);
    const root = path.join(process.cwd(), "app");
    for (const op of API_OPERATIONS) {
      expect(reply.body.paths[op.path]?.[op.method.toLowerCase()]).toBeDefined();
      const file = path.join(root, op.path.replace(/\{(\w+)\}/g, "[$1]"), "route.ts");
      expect(existsSync(file), file).toBe(true);
      const mod = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
      expect(typeof mod[op.method], `${op.method} ${op.path}`).toBe("function");
    }
    const routeFiles = (readdirSync(path.join(root, "api/v1"), { recursive: true }) as string[]).filter((f) => f.endsWith("route.ts"));
    const documented = new Set(API_OPERATIONS.map((op) => `api/v1${op.path.replace("/api/v1", "").replace(/\{(\w+)\}/g, "[$1]")}/route.ts`));
    for (const file of routeFiles) {
      if (file.startsWith("openapi.json")) continue;
      expect(documented.has(path.join("api/v1", file)), file).toBe(true);
    }
    expect(Object.keys(reply.body.webhooks)).toHaveLength(11);
  });
});
