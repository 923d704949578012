import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

// Before any app module loads: endpoints on 127.0.0.1 are this test's receivers.
vi.hoisted(() => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
});

const { createEndpointSchema } = await import("@/app/(portal)/webhooks/schemas");
const { closeDb, getDb, rowsOf } = await import("@/db");
const { sessionContextFor } = await import("@/testing/session");
const schema = await import("@/db/schema");
const { runAction } = await import("@/lib/action");
const { startReceiver } = await import("@/testing/https-receiver");
const { waitForDelivery: settled } = await import("@/testing/delivery");
const { createEndpoint, deleteEndpoint, revealSecret, setEndpointActive } = await import("@/lib/endpoints/operations");
const { startDeliveryEngine, stopDeliveryEngine } = await import("@/lib/startup/engine");
const { publishEvent } = await import("./publish");
const { sendAttempt } = await import("./send-attempt");
const { signingKeyOf } = await import("@/lib/endpoints/secret");
const { EVENT_CATALOG } = await import("@/lib/events/catalog");
const { env } = await import("@/lib/env");
const { createTestOrganization } = await import("@/testing/organization");
const webhookSchemas = await import("@/app/(portal)/webhooks/schemas");
const { deliveryRefSchema } = await import("@/app/(portal)/webhooks/logs/schemas");
const { redeliver } = await import("./redeliver");
const { redeliverFailedSince } = await import("./recover");

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
type Ctx = Awaited<ReturnType<typeof sessionContextFor>>;

const { deliveries, deliveryAttempts, webhookEndpoints } = schema;
const example = EVENT_CATALOG.find((e) => e.type === "session.completed")!.example;

let acme: Ctx;
let receiver: Receiver;


async function endpointFor(path: string, input: Record<string, unknown> = {}): Promise<string> {
  const result = await runAction(acme, createEndpointSchema, createEndpoint, { url: `${receiver.url}${path}`, ...input });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data.id;
}

async function attemptsOf(deliveryId: string) {
  const db = await getDb();
  return db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, deliveryId)).orderBy(asc(deliveryAttempts.attemptNumber));
}

/** Publishes to exactly one endpoint of Acme (others stay untouched by using the endpoint filter). */
async function publishTo(endpointId: string, type = "session.completed", data: Record<string, unknown> = example) {
  const published = await publishEvent(acme.org.id, type, data, { endpointId });
  expect(published.deliveryIds).toHaveLength(1);
  return { eventId: published.id, deliveryId: published.deliveryIds[0]! };
}

beforeAll(async () => {
  acme = await sessionContextFor("partner@example.com");
  receiver = await startReceiver();
  await startDeliveryEngine({ pollMs: 20, leaseMs: 10_000 });
});

beforeEach(() => {
  receiver.reset();
});

afterAll(async () => {
  await stopDeliveryEngine();
  await receiver.close();
  await closeDb();
});

describe("delivery end to end (embedded engine, real HTTPS receiver)", () => {
  it("arrives signed (Standard Webhooks and the brand header) with the custom headers and the envelope", async () => {
    const endpointId = await endpointFor("/signed", { headers: [{ name: "X-API-Key", value: "acme-receiver-key" }] });
    const { secret } = await revealSecret({ id: endpointId }, acme);
    const { eventId, deliveryId } = await publishTo(endpointId);
    const [request] = await receiver.waitForRequests(1);
    const delivery = await settled(deliveryId);
    expect(delivery.status).toBe("succeeded");
    expect(delivery.attemptCount).toBe(1);

    expect(request!.method).toBe("POST");
    expect(request!.path).toBe("/signed");
    const h = request!.headers;
    expect(h["content-type"]).toBe("application/json");
    expect(h["user-agent"]).toMatch(/^Herald-Webhooks\/\d+\.\d+\.\d+$/);
    expect(h["x-api-key"]).toBe("acme-receiver-key");
    expect(h["webhook-id"]).toBe(eventId);
    expect(h["x-herald-event"]).toBe("session.completed");
    const ts = Number(h["webhook-timestamp"]);
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(30);

    const key = signingKeyOf(secret);
    const expected = createHmac("sha256", key).update(`${eventId}.${ts}.${request!.body}`).digest("base64");
    expect(h["webhook-signature"]).toBe(`v1,${expected}`);
    expect(h["x-herald-signature"]).toBe(createHmac("sha256", key).update(request!.body).digest("hex"));

    const body = JSON.parse(request!.body);
    expect(body).toEqual({ id: eventId, type: "session.completed", createdAt: expect.any(String), data: example });
    expect(new Date(body.createdAt).toISOString()).toBe(body.createdAt);

    const [attempt] = await attemptsOf(deliveryId);
    expect(attempt).toMatchObject({ attemptNumber: 1, responseStatus: 200, succeeded: true, errorClass: null, responseBody: "ok" });
    // The stored request shows custom header values masked, never in clear.
    expect(attempt!.requestHeaders["X-API-Key"]).toBe("ac••••••••");
    expect(JSON.stringify(attempt)).not.toContain("acme-receiver-key");
  });

  it("strips internal metadata before delivery", async () => {
    const endpointId = await endpointFor("/metadata");
    await publishTo(endpointId, "session.completed", { ...example, metadata: { campaign: "x", _trace: "t", internalRisk: 3 } });
    const [request] = await receiver.waitForRequests(1);
    expect(JSON.parse(request!.body).data.metadata).toEqual({ campaign: "x" });
  });

  it("500 then 200: two attempts, the same webhook-id, succeeded", async () => {
    const endpointId = await endpointFor("/flaky");
    receiver.enqueue({ kind: "status", status: 500, body: "boom" });
    const { eventId, deliveryId } = await publishTo(endpointId);
    const delivery = await settled(deliveryId);
    expect(delivery.status).toBe("succeeded");
    const attempts = await attemptsOf(deliveryId);
    expect(attempts.map((a) => [a.attemptNumber, a.responseStatus, a.errorClass])).toEqual([
      [1, 500, "http_status"],
      [2, 200, null],
    ]);
    expect(receiver.requests.map((r) => r.headers["webhook-id"])).toEqual([eventId, eventId]);
    // Each attempt is signed with its own timestamp.
    for (const a of attempts) {
      expect(Math.abs(Number(a.requestHeaders["webhook-timestamp"]) - a.startedAt.getTime() / 1000)).toBeLessThan(1.5);
    }
  });

  it("always 500: retries + 1 attempts with growing backoff, then failed", async () => {
    const endpointId = await endpointFor("/down", { maxRetries: 3 });
    receiver.setFallback({ kind: "status", status: 500 });
    try {
      const { deliveryId } = await publishTo(endpointId);
      const delivery = await settled(deliveryId);
      expect(delivery.status).toBe("failed");
      expect(delivery.attemptCount).toBe(4);
      const attempts = await attemptsOf(deliveryId);
      expect(attempts).toHaveLength(4);
      const gaps = attempts.slice(1).map((a, i) => a.startedAt.getTime() - attempts[i]!.startedAt.getTime());
      // Base 40 ms x 4^(n-1) with +/-20% jitter: ~40, ~160, ~640 ms. Each wait is at least its delay, so the waits
      // grow (a schedule that did not grow fails the second or the third bound; backoff.test.ts pins the schedule).
      // No upper bound: a wait can run long when other test files load the machine (1.2 s was seen for the first).
      expect(gaps[0]).toBeGreaterThanOrEqual(30);
      expect(gaps[1]).toBeGreaterThanOrEqual(125);
      expect(gaps[2]).toBeGreaterThanOrEqual(500);
    } finally {
      receiver.setFallback({ kind: "status", status: 200, body: "ok" });
    }
  });

  it("a slow receiver is a timeout", async () => {
    const endpointId = await endpointFor("/slow", { timeoutSeconds: 1, maxRetries: 0 });
    receiver.enqueue({ kind: "status", status: 200, delayMs: 2500 });
    const { deliveryId } = await publishTo(endpointId);
    const delivery = await settled(deliveryId);
    expect(delivery.status).toBe("failed");
    const [attempt] = await attemptsOf(deliveryId);
    expect(attempt!.errorClass).toBe("timeout");
    expect(attempt!.durationMs).toBeGreaterThanOrEqual(950);
    expect(attempt!.durationMs).toBeLessThan(2000);
  });

  it("an attempt still in flight after a second shows as delivering, then as its result", async () => {
    const endpointId = await endpointFor("/takes-a-while");
    receiver.enqueue({ kind: "status", status: 200, delayMs: 1_800 });
    const { deliveryId } = await publishTo(endpointId);
    const db = await getDb();
    const seen: string[] = [];
    const deadline = Date.now() + 10_000;
    for (;;) {
      const [row] = await db.select({ status: deliveries.status }).from(deliveries).where(eq(deliveries.id, deliveryId));
      if (seen.at(-1) !== row!.status) seen.push(row!.status);
      if (row!.status === "succeeded" || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Pending while the attempt is young (nothing written), delivering once it has taken a second, then the result.
    expect(seen).toEqual(["pending", "delivering", "succeeded"]);
    const [attempt] = await attemptsOf(deliveryId);
    expect(attempt).toMatchObject({ responseStatus: 200, succeeded: true });
  });

  it("a redirect is a failure and is not followed", async () => {
    const endpointId = await endpointFor("/moved", { maxRetries: 0 });
    receiver.enqueue({ kind: "redirect", location: `${receiver.url}/elsewhere`, status: 302 });
    const { deliveryId } = await publishTo(endpointId);
    expect((await settled(deliveryId)).status).toBe("failed");
    const [attempt] = await attemptsOf(deliveryId);
    expect(attempt).toMatchObject({ responseStatus: 302, errorClass: "http_status" });
    expect(attempt!.errorMessage).toContain("not followed");
    expect(receiver.requests.map((r) => r.path)).toEqual(["/moved"]);
  });

  it("410 Gone stops retrying and disables the endpoint with a reason", async () => {
    const endpointId = await endpointFor("/gone", { maxRetries: 5 });
    receiver.enqueue({ kind: "status", status: 410 });
    const { deliveryId } = await publishTo(endpointId);
    expect((await settled(deliveryId)).status).toBe("failed");
    expect(await attemptsOf(deliveryId)).toHaveLength(1);
    const db = await getDb();
    const [endpoint] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
    expect(endpoint).toMatchObject({ active: false, disabledReason: "The endpoint answered 410 Gone, so Herald stopped sending to it." });
  });

  it("disables an endpoint after 50 failed deliveries in a row, or 3 days of failures, and says why", async () => {
    const db = await getDb();
    const fifty = await endpointFor("/fifty", { maxRetries: 0 });
    await db.update(webhookEndpoints).set({ consecutiveFailures: 49 }).where(eq(webhookEndpoints.id, fifty));
    receiver.enqueue({ kind: "status", status: 500 });
    await settled((await publishTo(fifty)).deliveryId);
    const [a] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, fifty));
    expect(a).toMatchObject({ active: false, consecutiveFailures: 50, disabledReason: "Disabled after 50 failed deliveries in a row." });

    const stale = await endpointFor("/stale", { maxRetries: 0 });
    await db
      .update(webhookEndpoints)
      .set({ consecutiveFailures: 3, failingSince: new Date(Date.now() - 3 * 24 * 3_600_000 - 60_000) })
      .where(eq(webhookEndpoints.id, stale));
    receiver.enqueue({ kind: "status", status: 503 });
    await settled((await publishTo(stale)).deliveryId);
    const [b] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, stale));
    expect(b).toMatchObject({ active: false, disabledReason: "Disabled after 3 days of failed deliveries without a success." });

    // A success resets the count.
    const healthy = await endpointFor("/healthy");
    await db.update(webhookEndpoints).set({ consecutiveFailures: 7, failingSince: new Date() }).where(eq(webhookEndpoints.id, healthy));
    await settled((await publishTo(healthy)).deliveryId);
    const [c] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, healthy));
    expect(c).toMatchObject({ active: true, consecutiveFailures: 0, failingSince: null });
  });

  it("a 1 MB response succeeds with its body truncated to 16 KB", async () => {
    const endpointId = await endpointFor("/large");
    receiver.enqueue({ kind: "large", bytes: 1024 * 1024 });
    const { deliveryId } = await publishTo(endpointId);
    expect((await settled(deliveryId)).status).toBe("succeeded");
    const [attempt] = await attemptsOf(deliveryId);
    expect(attempt!.responseBody).toHaveLength(16 * 1024);
    expect(attempt!.responseBodyTruncated).toBe(true);
  });

  it("429 with Retry-After waits at least that long", async () => {
    const endpointId = await endpointFor("/throttled", { maxRetries: 1 });
    receiver.enqueue({ kind: "status", status: 429, headers: { "retry-after": "1" } });
    const { deliveryId } = await publishTo(endpointId);
    expect((await settled(deliveryId)).status).toBe("succeeded");
    const [first, second] = await attemptsOf(deliveryId);
    expect(second!.startedAt.getTime() - first!.startedAt.getTime()).toBeGreaterThanOrEqual(1000);
  });

  it("disabling an endpoint cancels its waiting deliveries", async () => {
    const endpointId = await endpointFor("/cancel", { maxRetries: 10 });
    receiver.setFallback({ kind: "status", status: 503, headers: { "retry-after": "30" } });
    try {
      const { deliveryId } = await publishTo(endpointId);
      await receiver.waitForRequests(1);
      await vi.waitFor(async () => expect((await attemptsOf(deliveryId)).length).toBe(1));
      await runAction(acme, (await import("@/app/(portal)/webhooks/schemas")).setEndpointActiveSchema, setEndpointActive, {
        id: endpointId,
        active: false,
      });
      const delivery = await settled(deliveryId);
      expect(delivery.status).toBe("cancelled");
      expect(await attemptsOf(deliveryId)).toHaveLength(1);
    } finally {
      receiver.setFallback({ kind: "status", status: 200, body: "ok" });
    }
  });

  it("fans out to every active subscribed endpoint and skips the others", async () => {
    const db = await getDb();
    // Quiet Acme's other endpoints for this test: only the three below are active.
    await db.update(webhookEndpoints).set({ active: false }).where(eq(webhookEndpoints.organizationId, acme.org.id));
    const all = await endpointFor("/fan-all");
    const revoked = await endpointFor("/fan-revoked", { eventTypes: ["credential.revoked"] });
    const sessions = await endpointFor("/fan-sessions", { eventTypes: ["session.completed", "session.error"] });
    await endpointFor("/fan-off", { active: false });
    const published = await publishEvent(acme.org.id, "session.completed", example);
    expect(published.deliveryIds).toHaveLength(2);
    const rows = await db.select({ endpointId: deliveries.endpointId }).from(deliveries).where(eq(deliveries.eventId, published.id));
    expect(rows.map((r) => r.endpointId).sort()).toEqual([all, sessions].sort());
    expect(rows.map((r) => r.endpointId)).not.toContain(revoked);
    await Promise.all(published.deliveryIds.map((id) => settled(id)));
  });

  it("summarises each endpoint for the Webhooks list: last delivery and 24-hour success rate", async () => {
    const { endpointStats } = await import("@/db/queries/webhooks");
    const endpointId = await endpointFor("/stats", { maxRetries: 0 });
    receiver.enqueue({ kind: "status", status: 500 });
    const failed = await publishTo(endpointId);
    await settled(failed.deliveryId);
    const ok = await publishTo(endpointId);
    await settled(ok.deliveryId);
    const stats = (await endpointStats({ orgId: acme.org.id })).get(endpointId);
    expect(stats).toMatchObject({ lastStatus: "succeeded", lastStatusCode: 200, finished24h: 2, succeeded24h: 1 });
    // The sparkline's 24 hours, oldest first: both in the current hour.
    expect(stats!.hourly24h).toHaveLength(24);
    expect(stats!.hourly24h.at(-1)).toEqual({ finished: 2, succeeded: 1 });
    expect(stats!.hourly24h.slice(0, 23).every((h) => h.finished === 0)).toBe(true);
    // Another organization sees nothing of it.
    const globex = await sessionContextFor("other@example.com");
    expect((await endpointStats({ orgId: globex.org.id })).has(endpointId)).toBe(false);

    const { endpointHealth } = await import("@/db/queries/webhooks");
    const health = await endpointHealth({ orgId: acme.org.id, id: endpointId, hours: 24 });
    expect(health).toMatchObject({ succeeded: 1, failed: 1 });
    expect(health.buckets).toHaveLength(25);
    expect(health.buckets.at(-1)).toMatchObject({ succeeded: 1, failed: 1 });
    expect(health.p50Ms).toBeGreaterThanOrEqual(0);
    expect(health.p95Ms).toBeGreaterThanOrEqual(health.p50Ms!);
    expect((await endpointHealth({ orgId: globex.org.id, id: endpointId, hours: 24 })).succeeded).toBe(0);
  });

  it("the same idempotency key returns the first event and fans out nothing new", async () => {
    const first = await publishEvent(acme.org.id, "session.completed", example, { idempotencyKey: "order-42" });
    const again = await publishEvent(acme.org.id, "session.completed", example, { idempotencyKey: "order-42" });
    expect(again).toMatchObject({ id: first.id, duplicate: true, deliveryIds: [] });
    expect(first.duplicate).toBe(false);
  });

  it("refuses an unknown type or bad data with a clear error and stores nothing", async () => {
    await expect(publishEvent(acme.org.id, "session.bogus", {})).rejects.toThrow(/Unknown event type "session.bogus"/);
    const bad = publishEvent(acme.org.id, "session.completed", { ...example, status: "ERROR", completedAt: "yesterday" });
    await expect(bad).rejects.toMatchObject({ code: "bad_request:event_data", fieldErrors: { "data.status": expect.any(Array), "data.completedAt": expect.any(Array) } });
  });
});

describe("sendAttempt failure classes (real sockets)", () => {
  const base = { headers: { "content-type": "application/json" }, body: "{}", timeoutMs: 3000 };
  // Its own receiver: the engine's background retries from the tests above must not consume these behaviours.
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it("a certificate the test CA did not sign is tls", async () => {
    const selfSigned = await startReceiver({ certificate: "self-signed" });
    try {
      const result = await sendAttempt({ ...base, url: `${selfSigned.url}/x`, allowPrivateTargets: true });
      expect(result).toMatchObject({ ok: false, errorClass: "tls" });
      expect(selfSigned.requests).toHaveLength(0);
    } finally {
      await selfSigned.close();
    }
  });

  it("an expired certificate is tls", async () => {
    const expired = await startReceiver({ certificate: "expired" });
    try {
      const result = await sendAttempt({ ...base, url: `${expired.url}/x`, allowPrivateTargets: true });
      expect(result).toMatchObject({ ok: false, errorClass: "tls" });
      expect(result.errorMessage).toMatch(/expired/i);
    } finally {
      await expired.close();
    }
  });

  it("a private target is blocked unless allowed, for IP literals and for names that resolve to one", async () => {
    for (const url of [`${receiver.url}/x`, `https://localhost:${receiver.port}/x`]) {
      const blocked = await sendAttempt({ ...base, url, allowPrivateTargets: false });
      expect(blocked).toMatchObject({ ok: false, errorClass: "blocked", statusCode: null });
    }
    expect(receiver.requests).toHaveLength(0);
    const allowed = await sendAttempt({ ...base, url: `${receiver.url}/x`, allowPrivateTargets: true });
    expect(allowed).toMatchObject({ ok: true, statusCode: 200 });
  });

  it("a refused connection is connection, a reset is connection, and garbage is an invalid HTTP response", async () => {
    const refused = await sendAttempt({ ...base, url: "https://127.0.0.1:1/x", allowPrivateTargets: true });
    expect(refused.errorClass).toBe("connection");
    receiver.enqueue({ kind: "reset" });
    const reset = await sendAttempt({ ...base, url: `${receiver.url}/x`, allowPrivateTargets: true });
    expect(reset.errorClass).toBe("connection");
    receiver.enqueue({ kind: "invalid-http" });
    const garbage = await sendAttempt({ ...base, url: `${receiver.url}/x`, allowPrivateTargets: true });
    expect(garbage.errorClass).toBe("connection");
    expect(garbage.errorMessage).toMatch(/Invalid HTTP response|HPE_|Parse/i);
  });

  it("an unknown host is dns", async () => {
    const result = await sendAttempt({ ...base, url: "https://does-not-exist.invalid/x", allowPrivateTargets: false });
    expect(result.errorClass).toBe("dns");
  });

  it("a body that drips past the timeout is a timeout, and an over-size body is response_too_large", async () => {
    receiver.enqueue({ kind: "drip", intervalMs: 400, chunks: 10 });
    const drip = await sendAttempt({ ...base, timeoutMs: 1000, url: `${receiver.url}/x`, allowPrivateTargets: true });
    expect(drip).toMatchObject({ ok: false, errorClass: "timeout", statusCode: null });
    receiver.enqueue({ kind: "large", bytes: 6 * 1024 * 1024 });
    const huge = await sendAttempt({ ...base, url: `${receiver.url}/x`, allowPrivateTargets: true });
    expect(huge).toMatchObject({ ok: false, errorClass: "response_too_large", statusCode: 200, responseBodyTruncated: true });
  });
});

describe("an endpoint switched off or deleted while an attempt is in flight", () => {
  let own: Receiver;
  let ctx: Ctx;
  beforeAll(async () => {
    own = await startReceiver();
    // Its own organization: the fan-out test above switches Acme's endpoints off.
    ctx = await createTestOrganization("midflight");
  });
  afterAll(async () => {
    await own.close();
  });

  async function inFlight(path: string, answer: { status: number; delayMs: number }) {
    const created = await runAction(ctx, createEndpointSchema, createEndpoint, { url: `${own.url}${path}`, maxRetries: 5 });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    own.enqueue({ kind: "status", status: answer.status, delayMs: answer.delayMs });
    const published = await publishEvent(ctx.org.id, "session.completed", example, { endpointId: created.data.id });
    // The receiver has the request (its body is complete) and holds the answer back: the attempt is in flight.
    await vi.waitFor(() => expect(own.requests.some((r) => r.path === path)).toBe(true), { timeout: 5000 });
    return { endpointId: created.data.id, deliveryId: published.deliveryIds[0]! };
  }

  it("switched off: a failed attempt ends the delivery as cancelled; switched on again, it is redeliverable and found by Redeliver failed since", async () => {
    const { endpointId, deliveryId } = await inFlight("/off-mid-attempt", { status: 503, delayMs: 800 });
    await runAction(ctx, webhookSchemas.setEndpointActiveSchema, setEndpointActive, { id: endpointId, active: false });
    expect((await settled(deliveryId, 5000)).status).toBe("cancelled");
    // The attempt in flight is recorded when it returns; its 503 would have meant a retry, but the delivery stays
    // cancelled and nothing is scheduled.
    await vi.waitFor(async () => expect((await attemptsOf(deliveryId)).length).toBe(1), { timeout: 5000 });
    await new Promise((r) => setTimeout(r, 300));
    const delivery = await settled(deliveryId);
    expect(delivery).toMatchObject({ status: "cancelled", nextAttemptAt: null, attemptCount: 1 });
    expect(delivery.completedAt).not.toBeNull();
    expect((await attemptsOf(deliveryId)).map((a) => [a.attemptNumber, a.responseStatus])).toEqual([[1, 503]]);

    await runAction(ctx, webhookSchemas.setEndpointActiveSchema, setEndpointActive, { id: endpointId, active: true });
    const since = new Date(Date.now() - 3_600_000).toISOString().slice(0, 16);
    const recovered = await runAction(ctx, webhookSchemas.redeliverFailedSchema, redeliverFailedSince, { id: endpointId, since });
    expect(recovered).toEqual({ ok: true, data: { ids: [deliveryId], capped: false } });
    expect((await settled(deliveryId)).status).toBe("succeeded");
    expect((await attemptsOf(deliveryId)).map((a) => [a.attemptNumber, a.responseStatus])).toEqual([
      [1, 503],
      [2, 200],
    ]);
  });

  it("switched off: an attempt that the endpoint acknowledges still counts as succeeded", async () => {
    const { endpointId, deliveryId } = await inFlight("/off-then-200", { status: 200, delayMs: 800 });
    await runAction(ctx, webhookSchemas.setEndpointActiveSchema, setEndpointActive, { id: endpointId, active: false });
    // Cancelled at once (nothing waits on an endpoint that is off) ...
    const [cancelled] = await (await getDb()).select().from(deliveries).where(eq(deliveries.id, deliveryId));
    expect(cancelled!.status).toBe("cancelled");
    // ... and succeeded once the attempt returns with a 200: the receiver has it.
    await vi.waitFor(async () => expect((await attemptsOf(deliveryId)).length).toBe(1), { timeout: 5000 });
    await vi.waitFor(async () => expect((await settled(deliveryId)).status).toBe("succeeded"), { timeout: 5000 });
  });

  it("deleted: the delivery ends as cancelled, not pending", async () => {
    const { endpointId, deliveryId } = await inFlight("/deleted-mid-attempt", { status: 500, delayMs: 800 });
    await runAction(ctx, webhookSchemas.endpointRefSchema, deleteEndpoint, { id: endpointId });
    await vi.waitFor(async () => expect((await attemptsOf(deliveryId)).length).toBe(1), { timeout: 5000 });
    const delivery = await settled(deliveryId, 5000);
    expect(delivery.status).toBe("cancelled");
    await new Promise((r) => setTimeout(r, 300));
    expect((await settled(deliveryId)).status).toBe("cancelled");
  });

  it("a delivery cancelled before its first attempt is sent when redelivered (its cancelled run does not block the new one)", async () => {
    // Ordered: the second delivery waits behind the first, which is in flight, so it is cancelled unattempted.
    const created = await runAction(ctx, createEndpointSchema, createEndpoint, { url: `${own.url}/never-tried`, maxRetries: 5, ordered: true });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const endpointId = created.data.id;
    own.enqueue({ kind: "status", status: 200, delayMs: 800 });
    const first = await publishEvent(ctx.org.id, "session.completed", example, { endpointId });
    await vi.waitFor(() => expect(own.requests.some((r) => r.path === "/never-tried")).toBe(true), { timeout: 5000 });
    const second = await publishEvent(ctx.org.id, "session.completed", example, { endpointId });
    const deliveryId = second.deliveryIds[0]!;
    await runAction(ctx, webhookSchemas.setEndpointActiveSchema, setEndpointActive, { id: endpointId, active: false });
    expect((await settled(deliveryId, 5000)).status).toBe("cancelled");
    expect(await attemptsOf(deliveryId)).toEqual([]);
    await vi.waitFor(async () => expect((await settled(first.deliveryIds[0]!)).status).toBe("succeeded"), { timeout: 5000 });

    await runAction(ctx, webhookSchemas.setEndpointActiveSchema, setEndpointActive, { id: endpointId, active: true });
    const again = await runAction(ctx, deliveryRefSchema, redeliver, { id: deliveryId });
    // The same first attempt number as the cancelled run's: the new run takes its place.
    expect(again).toEqual({ ok: true, data: { id: deliveryId, firstAttempt: 1 } });
    expect((await settled(deliveryId)).status).toBe("succeeded");
    expect((await attemptsOf(deliveryId)).map((a) => [a.attemptNumber, a.responseStatus])).toEqual([[1, 200]]);
  });

  it("a single cancelled delivery can be redelivered once its endpoint is on again", async () => {
    const { endpointId, deliveryId } = await inFlight("/off-redeliver", { status: 503, delayMs: 800 });
    await runAction(ctx, webhookSchemas.setEndpointActiveSchema, setEndpointActive, { id: endpointId, active: false });
    expect((await settled(deliveryId, 5000)).status).toBe("cancelled");
    await vi.waitFor(async () => expect((await attemptsOf(deliveryId)).length).toBe(1), { timeout: 5000 });
    await runAction(ctx, webhookSchemas.setEndpointActiveSchema, setEndpointActive, { id: endpointId, active: true });
    const again = await runAction(ctx, deliveryRefSchema, redeliver, { id: deliveryId });
    expect(again).toEqual({ ok: true, data: { id: deliveryId, firstAttempt: 2 } });
    expect((await settled(deliveryId)).status).toBe("succeeded");
  });
});

describe("failure counters under concurrency", () => {
  it("150 deliveries failing at once disable the endpoint at 50, and every failed delivery is counted exactly once", async () => {
    const failing = await startReceiver({ fallback: { kind: "status", status: 500 }, recordBodies: false });
    const ctx = await createTestOrganization("counters");
    try {
      const created = await runAction(ctx, createEndpointSchema, createEndpoint, { url: `${failing.url}/down`, maxRetries: 0 });
      if (!created.ok) throw new Error(JSON.stringify(created.error));
      const endpointId = created.data.id;
      const published = await Promise.all(
        Array.from({ length: 150 }, () => publishEvent(ctx.org.id, "session.completed", example, { endpointId })),
      );
      const ids = published.map((p) => p.deliveryIds[0]!);
      for (const id of ids) await settled(id, 30_000);
      const db = await getDb();
      // A delivery cancelled while its attempt was in flight is already final, as `cancelled`; its attempt is recorded
      // when it returns, and then makes it `failed`. Wait until every request sent is recorded (on embedded PGlite, one
      // connection, two of them were still queued when the last delivery settled).
      await vi.waitFor(
        async () => {
          const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(deliveryAttempts).where(eq(deliveryAttempts.endpointId, endpointId));
          expect(Number(row?.n)).toBe(failing.requests.length);
        },
        { timeout: 10_000 },
      );

      const [endpoint] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
      const counts = await db
        .select({ status: deliveries.status, n: sql<number>`count(*)::int` })
        .from(deliveries)
        .where(inArray(deliveries.id, ids))
        .groupBy(deliveries.status);
      const byStatus = Object.fromEntries(counts.map((c) => [c.status, Number(c.n)]));
      const failed = byStatus.failed ?? 0;
      console.log(`150 concurrent failures: ${JSON.stringify(byStatus)}, counter ${endpoint!.consecutiveFailures}, ${failing.requests.length} requests`);
      expect(endpoint).toMatchObject({ active: false, disabledReason: "Disabled after 50 failed deliveries in a row." });
      expect(endpoint!.failingSince).not.toBeNull();
      // At least the 50 that disabled it; the few in flight at that moment still end (and count) as failed.
      expect(failed).toBeGreaterThanOrEqual(50);
      expect(failed).toBeLessThan(50 + 2 * env.delivery.concurrencyPerEndpoint);
      expect(endpoint!.consecutiveFailures).toBe(failed);
      expect(failed + (byStatus.cancelled ?? 0)).toBe(150);
      expect(failing.requests.length).toBe(failed);
      // Nothing is left waiting on a disabled endpoint.
      const open = await db
        .select({ id: deliveries.id })
        .from(deliveries)
        .where(and(eq(deliveries.endpointId, endpointId), inArray(deliveries.status, ["pending", "delivering"])));
      expect(open).toHaveLength(0);
    } finally {
      await failing.close();
    }
  }, 60_000);
});

// A second process needs PostgreSQL (a PGlite folder is one process's); CI always runs with it.
describe.skipIf(!process.env.DATABASE_URL)("npm run worker on SIGTERM with attempts in flight", () => {
  it("stops within its drain time and hands the runs back for another process to take over at once", async () => {
    const stuck = await startReceiver({ fallback: { kind: "hang" } });
    const ctx = await createTestOrganization("sigterm");
    // This file's own engine must not take these runs: it stops here and restarts after.
    await stopDeliveryEngine();
    const worker = spawn("npm", ["run", "--silent", "worker"], {
      env: { ...process.env, DATABASE_URL: env.databaseUrl, WEBHOOK_ALLOW_PRIVATE_TARGETS: "1", DELIVERY_DRAIN_MS: "1000", LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    worker.stdout!.on("data", (c: Buffer) => (output += c.toString()));
    worker.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => worker.on("exit", (code) => resolve(code)));
    try {
      await vi.waitFor(() => expect(output).toContain("worker ready"), { timeout: 20_000, interval: 50 });
      // The worker's own process (npm starts it through a shell and tsx): its owner id is host:pid:random.
      const workerPid = Number(/worker ready [^:\s]+:(\d+):/.exec(output)![1]);
      const created = await runAction(ctx, createEndpointSchema, createEndpoint, { url: `${stuck.url}/stuck`, timeoutSeconds: 30, maxRetries: 0 });
      if (!created.ok) throw new Error(JSON.stringify(created.error));
      const published = [];
      for (let i = 0; i < 3; i += 1) published.push(await publishEvent(ctx.org.id, "session.completed", example, { endpointId: created.data.id }));
      await stuck.waitForRequests(3, 10_000);

      const t0 = Date.now();
      worker.kill("SIGTERM");
      const code = await Promise.race([exited, new Promise<"hung">((r) => setTimeout(() => r("hung"), 15_000))]);
      const took = Date.now() - t0;
      console.log(`worker stopped ${took} ms after SIGTERM (drain 1000 ms) with 3 attempts in flight; exit ${code}`);
      expect(code).toBe(0);
      expect(took).toBeLessThan(1000 + 4000);
      // The worker itself is gone, not only npm (a shell between them once left it running, orphaned).
      expect(() => process.kill(workerPid, 0)).toThrow();
      // Handed back: no lease left, so another process claims them now rather than after DELIVERY_LEASE_MS.
      const db = await getDb();
      const runs = await db.execute(sql`select lease_owner from workflow_runs where id in (${sql.join(published.map((p) => sql`${`${p.deliveryIds[0]}:1`}`), sql`, `)})`);
      const leases = rowsOf<{ lease_owner: string | null }>(runs);
      expect(leases).toHaveLength(3);
      expect(leases.every((r) => r.lease_owner === null)).toBe(true);
    } finally {
      worker.kill("SIGKILL");
      await stuck.close();
      await startDeliveryEngine({ pollMs: 20, leaseMs: 10_000 });
    }
  }, 60_000);
});
