import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
});

const { createEndpointSchema } = await import("@/app/(portal)/webhooks/schemas");
const { closeDb, getDb } = await import("@/db");
const { getSessionContext } = await import("@/db/queries/users");
const { deliveries, deliveryAttempts, organizationBilling, pausedDeliveries, workflowRuns } = await import("@/db/schema");
const { runAction } = await import("@/lib/action");
const { resumePausedDeliveries } = await import("@/lib/delivery/pause");
const { startReceiver } = await import("@/testing/https-receiver");
const { createTestOrganization } = await import("@/testing/stripe");
const { EVENT_CATALOG } = await import("@/lib/events/catalog");
const { createEndpoint } = await import("@/lib/endpoints/operations");
const { publishEvent } = await import("@/lib/delivery/publish");
const { DELIVERY_REQUESTED } = await import("../events");
const { deliverWebhook } = await import("./deliver-webhook");

let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver.close();
  await closeDb();
});

describe("deliver-webhook on Inngest when billing pauses deliveries (@inngest/test)", () => {
  it("ends the run as paused without sending; the resumed run (its own input) delivers", async () => {
    const created = await createTestOrganization("enterprise");
    const ctx = (await getSessionContext({ userId: created.user.id, orgId: created.org.id }))!;
    const endpoint = await runAction(ctx, createEndpointSchema, createEndpoint, { url: `${receiver.url}/inngest-paused` });
    if (!endpoint.ok) throw new Error(endpoint.error.message);
    const endpointId = endpoint.data.id;
    const db = await getDb();
    await db.insert(organizationBilling).values({ organizationId: ctx.org.id, status: "past_due", paymentFailed: true });

    const example = EVENT_CATALOG.find((e) => e.type === "credential.issued")!.example;
    const deliveryId = (await publishEvent(ctx.org.id, "credential.issued", example, { endpointId })).deliveryIds[0]!;
    const first = await new InngestTestEngine({ function: deliverWebhook }).execute({
      events: [{ name: DELIVERY_REQUESTED, data: { deliveryId, endpointId, firstAttempt: 1 } }],
    });
    expect(first.result).toEqual({ outcome: "paused" });
    expect(receiver.requests).toEqual([]);
    const [paused] = await db.select().from(pausedDeliveries).where(eq(pausedDeliveries.deliveryId, deliveryId));
    expect(paused).toMatchObject({ attemptNumber: 1, chainIndex: 1 });

    // Paid again: resuming stores the new run's input (this test process runs the embedded engine's store).
    await db.update(organizationBilling).set({ status: "active", paymentFailed: false }).where(eq(organizationBilling.organizationId, ctx.org.id));
    expect(await resumePausedDeliveries({ orgId: ctx.org.id })).toBe(1);
    const [run] = await db.select().from(workflowRuns).where(eq(workflowRuns.id, `${deliveryId}:1:r${paused!.pausedAt.getTime().toString(36)}`));
    expect(run?.input).toMatchObject({ deliveryId, endpointId, firstAttempt: 1, firstChainIndex: 1 });

    const second = await new InngestTestEngine({ function: deliverWebhook }).execute({
      events: [{ name: DELIVERY_REQUESTED, data: run!.input }],
    });
    expect(second.result).toEqual({ outcome: "succeeded" });
    expect(receiver.requests).toHaveLength(1);
    const attempts = await db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, deliveryId));
    expect(attempts.map((a) => a.attemptNumber)).toEqual([1]);
    const [delivery] = await db.select().from(deliveries).where(eq(deliveries.id, deliveryId));
    expect(delivery?.status).toBe("succeeded");
  });
});
