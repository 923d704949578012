import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Before any app module loads: endpoints on 127.0.0.1 are this test's receivers.
process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";

const { closeDb, getDb } = await import("@/db");
const { auditEvents, webhookEndpoints } = await import("@/db/schema");
const { createApiKey } = await import("@/lib/api-keys");
const { runAction } = await import("@/lib/action");
const { createEndpointSchema } = await import("@/app/(portal)/webhooks/schemas");
const { createEndpoint } = await import("@/lib/endpoints/operations");
const { endpointResourceSchema } = await import("@/lib/api/endpoints");
const { callRoute } = await import("@/testing/api");
const { createTestOrganization } = await import("@/testing/organization");
const listRoute = await import("./route");
const oneRoute = await import("./[id]/route");

let key: string;
let otherKey: string;
let endpointId: string;
let otherEndpointId: string;

beforeAll(async () => {
  const mine = await createTestOrganization("apiep");
  const theirs = await createTestOrganization("apiep-other");
  key = (await createApiKey({ name: "endpoints test" }, mine)).key;
  otherKey = (await createApiKey({ name: "endpoints test other" }, theirs)).key;
  const made = await runAction(mine, createEndpointSchema, createEndpoint, { url: "https://127.0.0.1:9/api-endpoints", description: "API" });
  if (!made.ok) throw new Error(made.error.message);
  endpointId = made.data.id;
  const other = await runAction(theirs, createEndpointSchema, createEndpoint, { url: "https://127.0.0.1:9/other" });
  if (!other.ok) throw new Error(other.error.message);
  otherEndpointId = other.data.id;
  const db = await getDb();
  await db
    .update(webhookEndpoints)
    .set({
      health: "failing",
      failingSince: new Date("2026-11-22T10:15:00Z"),
      failedAttempts: 4,
      consecutiveFailures: 2,
      lastFailure: { at: "2026-11-22T10:20:00.000Z", status: 503, errorClass: "http_status", deliveryId: "dlv_000000000000000000000000" },
    })
    .where(eq(webhookEndpoints.id, endpointId));
});

afterAll(async () => {
  await closeDb();
});

describe("the endpoints API", () => {
  it("lists the key's organization's endpoints with their health, never another organization's", async () => {
    const r = await callRoute<{ data: unknown[] }>(listRoute.GET, { path: "/api/v1/endpoints", key });
    expect(r.status).toBe(200);
    expect(r.body.data).toHaveLength(1);
    const endpoint = endpointResourceSchema.parse(r.body.data[0]);
    expect(endpoint).toMatchObject({
      id: endpointId,
      description: "API",
      health: { state: "failing", failingSince: "2026-11-22T10:15:00.000Z", failedAttempts: 4, failedDeliveriesInARow: 2, lastFailure: { status: 503 } },
      alertEmails: [],
    });
    expect(JSON.stringify(r.body)).not.toContain(otherEndpointId);
    expect(JSON.stringify(r.body)).not.toMatch(/whsec_|secretEncrypted/);
  });

  it("answers one endpoint, and 404 for another organization's id exactly as for an unknown one", async () => {
    const r = await callRoute(oneRoute.GET, { path: `/api/v1/endpoints/${endpointId}`, key, params: { id: endpointId } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: endpointId, health: { state: "failing" } });
    const theirs = await callRoute(oneRoute.GET, { path: `/api/v1/endpoints/${otherEndpointId}`, key, params: { id: otherEndpointId } });
    const unknown = await callRoute(oneRoute.GET, { path: "/api/v1/endpoints/ep_00000000000000000000", key, params: { id: "ep_00000000000000000000" } });
    const malformed = await callRoute(oneRoute.GET, { path: "/api/v1/endpoints/x", key, params: { id: "x" } });
    expect([theirs.status, unknown.status, malformed.status]).toEqual([404, 404, 404]);
    expect(theirs.body).toEqual(unknown.body);
  });

  it("PATCH sets the Alert emails (lower-cased, each once; audited with the key), refuses bad ones with a message, and another organization's id with 404", async () => {
    const path = `/api/v1/endpoints/${endpointId}`;
    const ok = await callRoute(oneRoute.PATCH, { method: "PATCH", path, key, params: { id: endpointId }, body: { alertEmails: ["OnCall@Acme.example", "oncall@acme.example", "ops@acme.example"] } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ alertEmails: ["oncall@acme.example", "ops@acme.example"] });
    const db = await getDb();
    const [audit] = await db.select().from(auditEvents).where(and(eq(auditEvents.targetId, endpointId), eq(auditEvents.actorType, "api_key")));
    expect(audit).toMatchObject({ action: "endpoint.updated", changes: { alertEmails: { from: [], to: ["oncall@acme.example", "ops@acme.example"] } } });

    const bad = await callRoute<{ error: { code: string; issues: { path: string; message: string }[] } }>(oneRoute.PATCH, {
      method: "PATCH",
      path,
      key,
      params: { id: endpointId },
      body: { alertEmails: ["not-an-address"] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0]).toEqual({ path: "alertEmails", message: '"not-an-address" is not an email address.' });
    const tooMany = await callRoute(oneRoute.PATCH, { method: "PATCH", path, key, params: { id: endpointId }, body: { alertEmails: Array.from({ length: 11 }, (_, i) => `a${i}@x.example`) } });
    expect(tooMany.status).toBe(400);
    const extra = await callRoute(oneRoute.PATCH, { method: "PATCH", path, key, params: { id: endpointId }, body: { alertEmails: [], url: "https://evil.example/" } });
    expect(extra.status).toBe(400);

    const theirs = await callRoute(oneRoute.PATCH, { method: "PATCH", path: `/api/v1/endpoints/${endpointId}`, key: otherKey, params: { id: endpointId }, body: { alertEmails: ["x@y.example"] } });
    expect(theirs.status).toBe(404);
    const [row] = await db.select({ alertEmails: webhookEndpoints.alertEmails }).from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
    expect(row!.alertEmails).toEqual(["oncall@acme.example", "ops@acme.example"]);
  });
});
