import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
});

const { createEndpointSchema, updateEndpointSchema } = await import("@/app/(portal)/webhooks/schemas");
const { deliveryRefSchema } = await import("@/app/(portal)/webhooks/logs/schemas");
const { closeDb, getDb } = await import("@/db");
const { auditEvents, workflowRuns } = await import("@/db/schema");
const { runAction } = await import("@/lib/action");
const { createApiKey } = await import("@/lib/api-keys");
const { createEndpoint, getEndpoint, updateEndpoint } = await import("@/lib/endpoints/operations");
const { EVENT_CATALOG } = await import("@/lib/events/catalog");
const { startDeliveryEngine, stopDeliveryEngine } = await import("@/lib/startup/engine");
const { callRoute } = await import("@/testing/api");
const { waitForDelivery } = await import("@/testing/delivery");
const { startReceiver } = await import("@/testing/https-receiver");
const { createTestOrganization } = await import("@/testing/organization");
const oneRoute = await import("@/app/api/v1/endpoints/[id]/route");
const { orderedQueue } = await import("./ordered-queue");
const { publishEvent } = await import("./publish");
const { redeliver } = await import("./redeliver");

const example = EVENT_CATALOG.find((e) => e.type === "credential.claimed")!.example;

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let org: Awaited<ReturnType<typeof createTestOrganization>>;

beforeAll(async () => {
  receiver = await startReceiver();
  org = await createTestOrganization("ordered");
});

afterAll(async () => {
  await stopDeliveryEngine();
  await receiver.close();
  await closeDb();
});

const publish = async (endpointId: string) => {
  const p = await publishEvent(org.org.id, "credential.claimed", example, { endpointId });
  return { eventId: p.id, deliveryId: p.deliveryIds[0]! };
};

describe("ordered delivery (embedded engine; PGlite or PostgreSQL)", () => {
  it("switched on in the form, waiting deliveries follow; the queue shows its head and how many wait; a redelivery goes to the back", async () => {
    const made = await runAction(org, createEndpointSchema, createEndpoint, { url: `${receiver.url}/ordered-form` });
    if (!made.ok) throw new Error(made.error.message);
    const endpointId = made.data.id;
    // Published before the switch (the engine is not running yet): the switch takes it along.
    const first = await publish(endpointId);
    const endpoint = (await getEndpoint({ orgId: org.org.id, id: endpointId }))!;
    const saved = await runAction(org, updateEndpointSchema, updateEndpoint, { ...endpoint, eventTypes: "all", headers: [], ordered: true });
    if (!saved.ok) throw new Error(saved.error.message);
    expect((await getEndpoint({ orgId: org.org.id, id: endpointId }))!.ordered).toBe(true);
    const db = await getDb();
    const [run] = await db.select({ ordered: workflowRuns.ordered }).from(workflowRuns).where(eq(workflowRuns.concurrencyKey, endpointId));
    expect(run!.ordered).toBe(true);
    const [audit] = await db.select().from(auditEvents).where(and(eq(auditEvents.targetId, endpointId), eq(auditEvents.action, "endpoint.updated")));
    expect(audit!.changes).toMatchObject({ ordered: { from: false, to: true } });

    const second = await publish(endpointId);
    const third = await publish(endpointId);
    let queue = await orderedQueue({ orgId: org.org.id, endpointId });
    expect(queue).toMatchObject({ enforced: true, waiting: 2, head: { deliveryId: first.deliveryId, eventType: "credential.claimed", attempts: 0 } });
    // Another organization reads nothing of it.
    const other = await createTestOrganization("ordered-other");
    expect(await orderedQueue({ orgId: other.org.id, endpointId })).toMatchObject({ head: null, waiting: 0 });

    await startDeliveryEngine({ pollMs: 20, leaseMs: 10_000 });
    for (const d of [first, second, third]) expect((await waitForDelivery(d.deliveryId)).status).toBe("succeeded");
    expect(receiver.requests.map((r) => r.headers["webhook-id"])).toEqual([first.eventId, second.eventId, third.eventId]);
    // The delivery is recorded as succeeded a moment before its run finishes.
    await vi.waitFor(async () => expect(await orderedQueue({ orgId: org.org.id, endpointId })).toMatchObject({ head: null, waiting: 0 }));

    // With the engine stopped: a new event, then a redelivery of the first one; the redelivery waits behind it.
    await stopDeliveryEngine();
    receiver.reset();
    const fourth = await publish(endpointId);
    const again = await runAction(org, deliveryRefSchema, redeliver, { id: first.deliveryId });
    if (!again.ok) throw new Error(again.error.message);
    queue = await orderedQueue({ orgId: org.org.id, endpointId });
    expect(queue).toMatchObject({ waiting: 1, head: { deliveryId: fourth.deliveryId } });
    await startDeliveryEngine({ pollMs: 20, leaseMs: 10_000 });
    await waitForDelivery(fourth.deliveryId);
    await receiver.waitForRequests(2);
    await vi.waitFor(async () => expect((await waitForDelivery(first.deliveryId)).status).toBe("succeeded"));
    expect(receiver.requests.map((r) => r.headers["webhook-id"])).toEqual([fourth.eventId, first.eventId]);
  });

  it("a run that already started goes before a run with a lower seq that showed up later (a publish that committed late)", async () => {
    await stopDeliveryEngine();
    receiver.reset();
    const made = await runAction(org, createEndpointSchema, createEndpoint, { url: `${receiver.url}/ordered-late`, ordered: true });
    if (!made.ok) throw new Error(made.error.message);
    const started = await publish(made.data.id);
    const late = await publish(made.data.id);
    const db = await getDb();
    // The first one was sent once and waits for its retry; the second gets a lower seq, as if its publish had taken
    // its number first but committed after the first one started.
    await db
      .update(workflowRuns)
      .set({ executions: 1, status: "sleeping", wakeAt: sql`now() + interval '1500 milliseconds'` })
      .where(eq(workflowRuns.id, `${started.deliveryId}:1`));
    await db.update(workflowRuns).set({ seq: sql`${workflowRuns.seq} - 1000000` }).where(eq(workflowRuns.id, `${late.deliveryId}:1`));
    expect(await orderedQueue({ orgId: org.org.id, endpointId: made.data.id })).toMatchObject({ head: { deliveryId: started.deliveryId }, waiting: 1 });
    await startDeliveryEngine({ pollMs: 20, leaseMs: 10_000 });
    await waitForDelivery(started.deliveryId);
    await waitForDelivery(late.deliveryId);
    expect(receiver.requests.map((r) => r.headers["webhook-id"])).toEqual([started.eventId, late.eventId]);
  });

  it("the partner API reads and sets ordered (audited with the key); a wrong value is a 400 with a message", async () => {
    const made = await runAction(org, createEndpointSchema, createEndpoint, { url: `${receiver.url}/ordered-api` });
    if (!made.ok) throw new Error(made.error.message);
    const id = made.data.id;
    const key = (await createApiKey({ name: "ordered test" }, org)).key;
    const path = `/api/v1/endpoints/${id}`;
    const read = await callRoute<{ ordered: boolean }>(oneRoute.GET, { method: "GET", path, key, params: { id } });
    expect(read.body.ordered).toBe(false);
    const on = await callRoute<{ ordered: boolean; alertEmails: string[] }>(oneRoute.PATCH, { method: "PATCH", path, key, params: { id }, body: { ordered: true } });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ ordered: true, alertEmails: [] });
    const db = await getDb();
    const [audit] = await db.select().from(auditEvents).where(and(eq(auditEvents.targetId, id), eq(auditEvents.actorType, "api_key")));
    expect(audit).toMatchObject({ action: "endpoint.updated", changes: { ordered: { from: false, to: true } } });
    const bad = await callRoute<{ error: { issues: { path: string; message: string }[] } }>(oneRoute.PATCH, {
      method: "PATCH",
      path,
      key,
      params: { id },
      body: { ordered: "yes" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0]).toEqual({ path: "ordered", message: "ordered must be true or false." });
    const empty = await callRoute(oneRoute.PATCH, { method: "PATCH", path, key, params: { id }, body: {} });
    expect(empty.status).toBe(400);
    expect((await getEndpoint({ orgId: org.org.id, id }))!.ordered).toBe(true);
  });
});
