import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

// Before any app module loads: endpoints on 127.0.0.1 are this test's receivers, and a failed attempt waits
// 10 minutes (about; there is jitter) for its retry, as it would in production after a few failures.
vi.hoisted(() => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
  process.env.WEBHOOK_RETRY_BASE_MS = "600000";
});

const { createEndpointSchema, sendTestEventSchema } = await import("@/app/(portal)/webhooks/schemas");
const { deliveryRefSchema } = await import("@/app/(portal)/webhooks/logs/schemas");
const { closeDb, getDb } = await import("@/db");
const { deliveries, deliveryAttempts, endpointThrottles, workflowRuns } = await import("@/db/schema");
const { runAction } = await import("@/lib/action");
const { sessionContextFor } = await import("@/testing/session");
const { createTestOrganization } = await import("@/testing/organization");
const { startReceiver } = await import("@/testing/https-receiver");
const { waitForDelivery, waitForRun } = await import("@/testing/delivery");
const { createEndpoint } = await import("@/lib/endpoints/operations");
const { startDeliveryEngine, stopDeliveryEngine } = await import("@/lib/startup/engine");
const { EVENT_CATALOG } = await import("@/lib/events/catalog");
const { publishEvent } = await import("./publish");
const { retryNow } = await import("./retry-now");
const { sendTestEvent } = await import("./test-event");
const { runIdFor } = await import("./dispatch");

type Ctx = Awaited<ReturnType<typeof sessionContextFor>>;
let acme: Ctx;
/** Another organization on a plan with webhooks: it must get the same not-found an unknown id gets. */
let other: Ctx;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const example = EVENT_CATALOG.find((e) => e.type === "session.completed")!.example;

async function endpointFor(path: string): Promise<string> {
  const result = await runAction(acme, createEndpointSchema, createEndpoint, { url: `${receiver.url}${path}`, maxRetries: 3 });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data.id;
}

async function deliveryRow(id: string) {
  const db = await getDb();
  const [row] = await db.select().from(deliveries).where(eq(deliveries.id, id));
  return row!;
}

/** Waits until the delivery waits for its retry (attempt 1 recorded, run asleep). */
async function waitUntilWaiting(deliveryId: string) {
  const db = await getDb();
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [run] = await db.select().from(workflowRuns).where(eq(workflowRuns.id, runIdFor({ deliveryId, endpointId: "", firstAttempt: 1 })));
    const row = await deliveryRow(deliveryId);
    if (run?.status === "sleeping" && row.status === "pending" && row.nextAttemptAt) return { run, row };
    if (Date.now() > deadline) throw new Error(`delivery ${deliveryId} is not waiting for a retry (${row.status}, run ${run?.status})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  acme = await sessionContextFor("partner@example.com");
  other = await createTestOrganization("retry-now-other");
  receiver = await startReceiver();
  await startDeliveryEngine({ pollMs: 20, leaseMs: 10_000 });
});

beforeEach(() => receiver.reset());

afterAll(async () => {
  await stopDeliveryEngine();
  await receiver.close();
  await closeDb();
});

describe("Retry now (embedded engine, real HTTPS receiver)", () => {
  it("sends the next attempt of a delivery waiting 10 minutes at once: same run, same webhook-id, next attempt number", async () => {
    const endpointId = await endpointFor("/retry-now");
    receiver.enqueue({ kind: "status", status: 500, body: "down" });
    const published = await publishEvent(acme.org.id, "session.completed", example, { endpointId });
    const deliveryId = published.deliveryIds[0]!;
    const { run, row } = await waitUntilWaiting(deliveryId);
    expect(row.nextAttemptAt!.getTime() - Date.now()).toBeGreaterThan(5 * 60_000);
    expect(run.wakeAt.getTime() - Date.now()).toBeGreaterThan(5 * 60_000);

    const started = Date.now();
    const result = await runAction(acme, deliveryRefSchema, retryNow, { id: deliveryId });
    expect(result).toEqual({ ok: true, data: { id: deliveryId, attempt: 2, heldUntil: null } });
    const done = await waitForDelivery(deliveryId);
    expect(done.status).toBe("succeeded");
    expect(Date.now() - started).toBeLessThan(5000);
    await waitForRun(run.id);

    const db = await getDb();
    const attempts = await db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, deliveryId)).orderBy(asc(deliveryAttempts.attemptNumber));
    expect(attempts.map((a) => [a.attemptNumber, a.responseStatus])).toEqual([
      [1, 500],
      [2, 200],
    ]);
    const sent = receiver.requests.filter((r) => r.path === "/retry-now");
    expect(sent).toHaveLength(2);
    expect(new Set(sent.map((r) => r.headers["webhook-id"]))).toEqual(new Set([published.id]));
    // One run did it all: it completed (and, completed, was deleted); no second chain was started beside the
    // sleeping one, which would have left that one asleep for its 10 minutes.
    const runs = await db.select().from(workflowRuns).where(sql`${workflowRuns.input} ->> 'deliveryId' = ${deliveryId}`);
    expect(runs.map((r) => [r.id, r.status])).toEqual([]);
  });

  it("also ends the hold a Retry-After put on the endpoint, which would otherwise keep the attempt back", async () => {
    const endpointId = await endpointFor("/retry-now-held");
    receiver.enqueue({ kind: "status", status: 503, headers: { "retry-after": "3600" } });
    const published = await publishEvent(acme.org.id, "session.completed", example, { endpointId });
    const deliveryId = published.deliveryIds[0]!;
    await waitUntilWaiting(deliveryId);
    const db = await getDb();
    const [held] = await db.select().from(endpointThrottles).where(eq(endpointThrottles.endpointId, endpointId));
    expect(held!.throttledUntil!.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);

    const result = await runAction(acme, deliveryRefSchema, retryNow, { id: deliveryId });
    expect(result).toMatchObject({ ok: true, data: { attempt: 2, heldUntil: held!.throttledUntil!.toISOString() } });
    const started = Date.now();
    expect((await waitForDelivery(deliveryId)).status).toBe("succeeded");
    expect(Date.now() - started).toBeLessThan(5000);
    expect(receiver.requests.filter((r) => r.path === "/retry-now-held")).toHaveLength(2);
  });

  it("refuses what is not waiting (finished, another organization's, a second click) with a message", async () => {
    const endpointId = await endpointFor("/retry-now-refused");
    receiver.enqueue({ kind: "status", status: 500 });
    const deliveryId = (await publishEvent(acme.org.id, "session.completed", example, { endpointId })).deliveryIds[0]!;
    await waitUntilWaiting(deliveryId);

    const foreign = await runAction(other, deliveryRefSchema, retryNow, { id: deliveryId });
    expect(foreign).toMatchObject({ ok: false, error: { code: "not_found:delivery" } });
    expect((await deliveryRow(deliveryId)).nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 60_000);

    const [first, second] = await Promise.all([
      runAction(acme, deliveryRefSchema, retryNow, { id: deliveryId }),
      runAction(acme, deliveryRefSchema, retryNow, { id: deliveryId }),
    ]);
    // Two clicks at once: one brings the attempt forward, the other is told it is under way (never two attempts).
    expect([first.ok, second.ok].filter(Boolean)).toHaveLength(1);
    await waitForDelivery(deliveryId);
    const again = await runAction(acme, deliveryRefSchema, retryNow, { id: deliveryId });
    expect(again).toMatchObject({ ok: false, error: { code: "conflict:delivery_not_waiting", message: expect.stringContaining("Redeliver") } });
    expect(receiver.requests.filter((r) => r.path === "/retry-now-refused")).toHaveLength(2);

    const malformed = await runAction(acme, deliveryRefSchema, retryNow, { id: "dlv_nope" });
    expect(malformed).toMatchObject({ ok: false, error: { code: "bad_request:validation" } });
  });
});

describe("test events on the wire", () => {
  it("carry X-Herald-Test: true and a top-level \"test\": true; real events carry neither", async () => {
    const endpointId = await endpointFor("/test-marked");
    const sent = await runAction(acme, sendTestEventSchema, sendTestEvent, { id: endpointId, type: "session.completed" });
    expect(sent).toMatchObject({ ok: true, data: { outcome: "succeeded" } });
    await publishEvent(acme.org.id, "session.completed", example, { endpointId });
    const marked = () => receiver.requests.filter((r) => r.path === "/test-marked");
    for (const deadline = Date.now() + 5000; marked().length < 2 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    const [test, real] = marked();
    expect(test!.headers["x-herald-test"]).toBe("true");
    expect(JSON.parse(test!.body)).toMatchObject({ test: true, type: "session.completed" });
    expect(Object.keys(JSON.parse(test!.body))).toEqual(["id", "type", "createdAt", "test", "data"]);
    expect(real!.headers["x-herald-test"]).toBeUndefined();
    expect(JSON.parse(real!.body)).not.toHaveProperty("test");
  });
});
