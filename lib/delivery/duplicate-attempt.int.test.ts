import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Before any app module loads: endpoints on loopback are this test's receiver.
vi.hoisted(() => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
});

const { createEndpointSchema } = await import("@/app/(portal)/webhooks/schemas");
const { closeDb, getDb } = await import("@/db");
const { deliveries, deliveryAttempts } = await import("@/db/schema");
const { runAction } = await import("@/lib/action");
const { createEndpoint } = await import("@/lib/endpoints/operations");
const { EVENT_CATALOG } = await import("@/lib/events/catalog");
const { startReceiver } = await import("@/testing/https-receiver");
const { createTestOrganization } = await import("@/testing/organization");
const { performAttempt } = await import("./attempt");
const { publishEvent } = await import("./publish");

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

// No engine runs in this file: the test plays two runs of one delivery (a duplicate run, or a replay racing the
// original) by calling the attempt step itself, as either engine would.
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver({ fallback: { kind: "status", status: 200, body: "ok", delayMs: 300 } });
});

afterAll(async () => {
  await receiver.close();
  await closeDb();
});

async function newDelivery(): Promise<string> {
  const org = await createTestOrganization("duplicate attempts");
  const endpoint = await runAction(org, createEndpointSchema, createEndpoint, { url: `${receiver.url}/dup` });
  if (!endpoint.ok) throw new Error(endpoint.error.message);
  const example = EVENT_CATALOG.find((e) => e.type === "credential.issued")!.example;
  return (await publishEvent(org.org.id, "credential.issued", example, { endpointId: endpoint.data.id })).deliveryIds[0]!;
}

async function stateOf(deliveryId: string) {
  const db = await getDb();
  const [delivery] = await db.select().from(deliveries).where(eq(deliveries.id, deliveryId));
  const attempts = await db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, deliveryId));
  const requests = receiver.requests.filter((r) => r.headers["webhook-id"] === delivery?.eventId).length;
  return { status: delivery?.status, attemptCount: delivery?.attemptCount, attempts: attempts.length, requests };
}

describe("the same attempt sent by two runs of one delivery", () => {
  it("is recorded once when both finish in separate statements", async () => {
    const deliveryId = await newDelivery();
    // Both load before either records (the receiver answers after 300 ms), so both send; the second finishes
    // 100 ms later, so its recording is a statement of its own that meets the first one's committed count.
    const first = performAttempt({ deliveryId, attemptNumber: 1, chainIndex: 1 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = performAttempt({ deliveryId, attemptNumber: 1, chainIndex: 1 });
    expect(await first).toEqual({ outcome: "succeeded" });
    expect(await second).toEqual({ outcome: "succeeded" });
    expect(await stateOf(deliveryId)).toEqual({ status: "succeeded", attemptCount: 1, attempts: 1, requests: 2 });
  });

  it("is recorded once when both finish in the same statement", async () => {
    const deliveryId = await newDelivery();
    const results = await Promise.all([
      performAttempt({ deliveryId, attemptNumber: 1, chainIndex: 1 }),
      performAttempt({ deliveryId, attemptNumber: 1, chainIndex: 1 }),
    ]);
    expect(results).toEqual([{ outcome: "succeeded" }, { outcome: "succeeded" }]);
    expect(await stateOf(deliveryId)).toEqual({ status: "succeeded", attemptCount: 1, attempts: 1, requests: 2 });
  });

  it("is not sent again by a run that starts after it was recorded", async () => {
    const deliveryId = await newDelivery();
    expect(await performAttempt({ deliveryId, attemptNumber: 1, chainIndex: 1 })).toEqual({ outcome: "succeeded" });
    // A replay of the step (a crash between the recording and the run's own bookkeeping) finds it recorded.
    expect(await performAttempt({ deliveryId, attemptNumber: 1, chainIndex: 1 })).toEqual({ outcome: "succeeded" });
    expect(await stateOf(deliveryId)).toEqual({ status: "succeeded", attemptCount: 1, attempts: 1, requests: 1 });
  });
});
