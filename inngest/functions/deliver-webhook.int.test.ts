import { InngestTestEngine } from "@inngest/test";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
});

const { createEndpointSchema } = await import("@/app/(portal)/webhooks/schemas");
const { closeDb, getDb } = await import("@/db");
const { deliveryAttempts, deliveries } = await import("@/db/schema");
const { sessionContextFor } = await import("@/testing/session");
const { runAction } = await import("@/lib/action");
const { startReceiver } = await import("@/testing/https-receiver");
const { EVENT_CATALOG } = await import("@/lib/events/catalog");
const { createEndpoint } = await import("@/lib/endpoints/operations");
const { publishEvent } = await import("@/lib/delivery/publish");
const { DELIVERY_REQUESTED } = await import("../events");
const { deliverWebhook } = await import("./deliver-webhook");

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let orgId: string;
let endpointId: string;

beforeAll(async () => {
  receiver = await startReceiver();
  const ctx = await sessionContextFor("partner@example.com");
  orgId = ctx.org.id;
  const created = await runAction(ctx, createEndpointSchema, createEndpoint, { url: `${receiver.url}/inngest`, maxRetries: 2 });
  if (!created.ok) throw new Error(created.error.message);
  endpointId = created.data.id;
});

afterAll(async () => {
  await receiver.close();
  await closeDb();
});

async function publish() {
  const example = EVENT_CATALOG.find((e) => e.type === "credential.issued")!.example;
  const published = await publishEvent(orgId, "credential.issued", example, { endpointId });
  return published.deliveryIds[0]!;
}

// Real step bodies (real HTTPS, real database); only the sleeps are mocked, as @inngest/test requires.
// A 502 also throttles the whole endpoint, so an attempt may first wait for a send slot (`throttle-<n>-<wait>`, at
// most 40 waits): those sleeps are mocked too, or the test engine would wait for them forever.
const sleeps = () =>
  [1, 2, 3].flatMap((n) => [
    { id: `backoff-${n}`, handler: () => undefined },
    ...Array.from({ length: 40 }, (_, i) => ({ id: `throttle-${n}-${i + 1}`, handler: () => undefined })),
  ]);

describe("deliver-webhook on Inngest (@inngest/test)", () => {
  it("500 then 200: two attempt steps, one backoff, succeeded", async () => {
    receiver.reset();
    receiver.enqueue({ kind: "status", status: 500 });
    const deliveryId = await publish();
    const t = new InngestTestEngine({ function: deliverWebhook });
    const { result, ctx } = await t.execute({
      events: [{ name: DELIVERY_REQUESTED, data: { deliveryId, endpointId, firstAttempt: 1 } }],
      steps: sleeps(),
    });
    expect(result).toEqual({ outcome: "succeeded" });
    expect(ctx.step.run).toHaveBeenCalledWith("attempt-1", expect.any(Function));
    expect(ctx.step.run).toHaveBeenCalledWith("attempt-2", expect.any(Function));
    expect(ctx.step.sleep).toHaveBeenCalledWith("backoff-1", expect.any(Number));
    expect(receiver.requests).toHaveLength(2);
    const db = await getDb();
    const attempts = await db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, deliveryId)).orderBy(asc(deliveryAttempts.attemptNumber));
    expect(attempts.map((a) => a.responseStatus)).toEqual([500, 200]);
    const [delivery] = await db.select().from(deliveries).where(eq(deliveries.id, deliveryId));
    expect(delivery?.status).toBe("succeeded");
  });

  it("always failing: retries + 1 attempts, then failed", async () => {
    receiver.reset();
    receiver.enqueue({ kind: "status", status: 502 }, { kind: "status", status: 502 }, { kind: "status", status: 502 });
    const deliveryId = await publish();
    const t = new InngestTestEngine({ function: deliverWebhook });
    const { result } = await t.execute({
      events: [{ name: DELIVERY_REQUESTED, data: { deliveryId, endpointId, firstAttempt: 1 } }],
      steps: sleeps(),
    });
    expect(result).toEqual({ outcome: "failed" });
    expect(receiver.requests).toHaveLength(3);
    const db = await getDb();
    const [delivery] = await db.select().from(deliveries).where(eq(deliveries.id, deliveryId));
    expect(delivery).toMatchObject({ status: "failed", attemptCount: 3, lastStatusCode: 502 });
  });
});
