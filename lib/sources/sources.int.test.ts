import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Before any app module loads: the endpoint on 127.0.0.1 is this test's receiver.
vi.hoisted(() => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
});

const { createEndpointSchema } = await import("@/app/(portal)/webhooks/schemas");
const { closeDb } = await import("@/db");
const { runAction } = await import("@/lib/action");
const { createApiKey } = await import("@/lib/api-keys");
const { callRoute } = await import("@/testing/api");
const { startReceiver } = await import("@/testing/https-receiver");
const { sessionContextFor } = await import("@/testing/session");
const { EVENT_TYPES } = await import("@/lib/events/catalog");
const { createEndpoint } = await import("@/lib/endpoints/operations");
const { startDeliveryEngine, stopDeliveryEngine } = await import("@/lib/startup/engine");
const { runSourceJobs } = await import("./scheduler");
const sessions = await import("@/app/api/v1/sessions/route");
const complete = await import("@/app/api/v1/sessions/[id]/complete/route");
const credentials = await import("@/app/api/v1/credentials/route");
const claim = await import("@/app/api/v1/credentials/[id]/claim/route");
const revoke = await import("@/app/api/v1/credentials/[id]/revoke/route");
const renew = await import("@/app/api/v1/credentials/[id]/renew/route");
const bulk = await import("@/app/api/v1/credentials/bulk/route");
const bulkStatus = await import("@/app/api/v1/credentials/bulk/[id]/route");

type Json = Record<string, unknown>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let key: string;

beforeAll(async () => {
  // Acme is on the Enterprise plan in the demo data, so it may have endpoints.
  const acme = await sessionContextFor("partner@example.com");
  receiver = await startReceiver();
  const made = await runAction(acme, createEndpointSchema, createEndpoint, { url: `${receiver.url}/sources`, eventTypes: [...EVENT_TYPES] });
  if (!made.ok) throw new Error(JSON.stringify(made.error));
  key = (await createApiKey({ name: "sources" }, acme)).key;
  await startDeliveryEngine({ pollMs: 20, leaseMs: 10_000 });
});

afterAll(async () => {
  await stopDeliveryEngine();
  await receiver.close();
  await closeDb();
});

const post = (handler: unknown, path: string, body: Json, params: Record<string, string> = {}) => callRoute<Json>(handler, { path, key, body, params });

describe("every event in the catalog, driven through the API, reaches a subscribed endpoint", () => {
  it("delivers all 11 types, each signed with its own event id", async () => {
    const sessionIds: string[] = [];
    for (const status of ["COMPLETED", "PARTIAL_COMPLETE", "ERROR", "CANCELLED", "TERMINATED"]) {
      const { body: s } = await post(sessions.POST, "/api/v1/sessions", { platform: "linkedin", metadata: { campaign: "c", _internal: "no" } });
      const id = String(s.id);
      sessionIds.push(id);
      expect((await post(complete.POST, "/x", { status, ...(status === "COMPLETED" ? { account: { username: "jane" } } : {}) }, { id })).status).toBe(200);
    }
    const issue = (body: Json) => post(credentials.POST, "/api/v1/credentials", { badgeId: "BDG-E2E", recipientEmail: "e2e@example.com", ...body });
    const { body: a } = await issue({});
    const aId = String(a.credentialId);
    expect((await post(claim.POST, "/x", {}, { id: aId })).status).toBe(200);
    expect((await post(revoke.POST, "/x", { reason: "test" }, { id: aId })).status).toBe(200);
    const { body: b } = await issue({});
    expect((await post(renew.POST, "/x", {}, { id: String(b.credentialId) })).status).toBe(201);
    // Expired a little while ago: the scheduled job announces it.
    const { body: expiring } = await issue({ issuanceDate: new Date(Date.now() - 60_000).toISOString(), expirationDate: new Date(Date.now() - 1000).toISOString() });
    const expiredId = String(expiring.credentialId);
    expect((await runSourceJobs()).expired).toBeGreaterThanOrEqual(1);
    const { body: job } = await post(bulk.POST, "/api/v1/credentials/bulk", { badgeId: "BDG-E2E", recipients: [{ email: "x@example.com" }, { email: "y@example.com" }] });
    // The bulk job runs on the engine in this process.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { body: state } = await callRoute<Json>(bulkStatus.GET, { path: "/x", key, params: { id: String(job.id) } });
      if (state.status === "completed") break;
      if (Date.now() > deadline) throw new Error(`bulk issuance still ${String(state.status)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // The database is shared with other test files whose events may reach this endpoint too: look for ours only.
    const ours = new Set([...sessionIds, aId, String(b.credentialId), String(job.id), expiredId]);
    const mine = (r: { body: string }) => {
      const { data } = JSON.parse(r.body) as { data: Json };
      return [data.sessionId, data.credentialId, data.previousCredentialId, data.bulkIssuanceId].some((v) => ours.has(String(v)));
    };
    const until = Date.now() + 20_000;
    let received = receiver.requests.filter(mine);
    while (new Set(received.map((r) => (JSON.parse(r.body) as { type: string }).type)).size < EVENT_TYPES.length && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      received = receiver.requests.filter(mine);
    }
    const bodies = received.map((r) => JSON.parse(r.body) as { id: string; type: string; data: Json });
    expect(new Set(bodies.map((b) => b.type))).toEqual(new Set(EVENT_TYPES));
    for (const r of received) {
      const body = JSON.parse(r.body) as { id: string };
      expect(r.headers["webhook-id"]).toBe(body.id);
      expect(r.headers["webhook-signature"]).toMatch(/^v1,/);
    }
    const completed = bodies.find((b) => b.type === "session.completed")!;
    expect(completed.data.metadata).toEqual({ campaign: "c" });
    expect(completed.data.account).toEqual({ username: "jane" });
    expect(bodies.find((b) => b.type === "bulk_issuance.completed")!.data).toMatchObject({ issuedCount: 2, failedCount: 0 });
  }, 60_000);
});
