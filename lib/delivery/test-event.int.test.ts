import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Before any app module loads: endpoints on 127.0.0.1 are this test's receiver.
vi.hoisted(() => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
});

const { createEndpointSchema, sendTestEventSchema } = await import("@/app/(portal)/webhooks/schemas");
const { closeDb, getDb } = await import("@/db");
const { deliveries, events } = await import("@/db/schema");
const { runAction } = await import("@/lib/action");
const { createEndpoint } = await import("@/lib/endpoints/operations");
const { startDeliveryEngine, stopDeliveryEngine } = await import("@/lib/startup/engine");
const { startReceiver } = await import("@/testing/https-receiver");
const { createTestOrganization } = await import("@/testing/organization");
const { sendTestEvent, TEST_EVENTS_PER_MINUTE } = await import("./test-event");

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  await startDeliveryEngine({ pollMs: 20, leaseMs: 10_000 });
});

afterAll(async () => {
  await stopDeliveryEngine();
  await receiver.close();
  await closeDb();
});

async function endpointFor(label: string) {
  const ctx = await createTestOrganization(label);
  const created = await runAction(ctx, createEndpointSchema, createEndpoint, { url: `${receiver.url}/${label}`, eventTypes: ["credential.issued"] });
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  return { ctx, endpointId: created.data.id };
}

async function testDeliveriesOf(endpointId: string) {
  const db = await getDb();
  return db
    .select({ id: deliveries.id })
    .from(deliveries)
    .innerJoin(events, eq(events.id, deliveries.eventId))
    .where(and(eq(deliveries.endpointId, endpointId), eq(events.test, true)));
}

describe("Send test event's limit holds under concurrency", () => {
  it(`sends exactly ${TEST_EVENTS_PER_MINUTE} of 120 clicks that arrive at once; the rest are told to wait`, async () => {
    const { ctx, endpointId } = await endpointFor("testrace");
    const results = await Promise.all(
      Array.from({ length: 120 }, () => runAction(ctx, sendTestEventSchema, sendTestEvent, { id: endpointId, type: "credential.issued" })),
    );
    const sent = results.filter((r) => r.ok);
    const limited = results.filter((r) => !r.ok && r.error.code === "rate_limited:test_event");
    expect(sent).toHaveLength(TEST_EVENTS_PER_MINUTE);
    expect(limited).toHaveLength(120 - TEST_EVENTS_PER_MINUTE);
    expect(limited[0]!.ok === false && limited[0]!.error.message).toMatch(/5 test events a minute to one endpoint\. Try again in \d+ s\./);
    expect(await testDeliveriesOf(endpointId)).toHaveLength(TEST_EVENTS_PER_MINUTE);
    // Give a wrongly admitted extra delivery the time to arrive.
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.requests.filter((r) => r.path === "/testrace")).toHaveLength(TEST_EVENTS_PER_MINUTE);
  });

  it("counts per endpoint: another endpoint of the same organization has its own budget", async () => {
    const first = await endpointFor("testbudget");
    const other = await runAction(first.ctx, createEndpointSchema, createEndpoint, { url: `${receiver.url}/testbudget-2`, eventTypes: ["credential.issued"] });
    if (!other.ok) throw new Error(JSON.stringify(other.error));
    const send = (id: string) => runAction(first.ctx, sendTestEventSchema, sendTestEvent, { id, type: "credential.issued" });
    await Promise.all(Array.from({ length: TEST_EVENTS_PER_MINUTE + 3 }, () => send(first.endpointId)));
    const result = await send(other.data.id);
    expect(result.ok).toBe(true);
  });

  it("a refused send (a type the endpoint does not receive) costs nothing from the budget", async () => {
    const { ctx, endpointId } = await endpointFor("testrefused");
    const refused = await runAction(ctx, sendTestEventSchema, sendTestEvent, { id: endpointId, type: "credential.revoked" });
    expect(refused.ok === false && refused.error.code).toBe("bad_request:event_type");
    const results = await Promise.all(
      Array.from({ length: TEST_EVENTS_PER_MINUTE }, () => runAction(ctx, sendTestEventSchema, sendTestEvent, { id: endpointId, type: "credential.issued" })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
  });
});
