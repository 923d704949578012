import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
});

const { createEndpointSchema } = await import("@/app/(portal)/webhooks/schemas");
const { deliveryRefSchema } = await import("@/app/(portal)/webhooks/logs/schemas");
const { closeDb, getDb } = await import("@/db");
const { getDeliveryDetail, listDeliveries, LOGS_PAGE_SIZE } = await import("@/db/queries/deliveries");
const { runAction } = await import("@/lib/action");
const { startReceiver } = await import("@/testing/https-receiver");
const { waitForDelivery: settled } = await import("@/testing/delivery");
const { sessionContextFor } = await import("@/testing/session");
const { EVENT_CATALOG } = await import("@/lib/events/catalog");
const { createEndpoint } = await import("@/lib/endpoints/operations");
const { startDeliveryEngine, stopDeliveryEngine } = await import("@/lib/startup/engine");
const { publishEvent } = await import("./publish");
const { redeliver } = await import("./redeliver");

type Ctx = Awaited<ReturnType<typeof sessionContextFor>>;
let acme: Ctx;
let globex: Ctx;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let endpointId: string;

const issued = EVENT_CATALOG.find((e) => e.type === "credential.issued")!.example;
const session = EVENT_CATALOG.find((e) => e.type === "session.completed")!.example;

beforeAll(async () => {
  acme = await sessionContextFor("partner@example.com");
  globex = await sessionContextFor("other@example.com");
  receiver = await startReceiver();
  await startDeliveryEngine({ pollMs: 20 });
  const created = await runAction(acme, createEndpointSchema, createEndpoint, { url: `${receiver.url}/logs`, maxRetries: 0 });
  if (!created.ok) throw new Error(created.error.message);
  endpointId = created.data.id;
});

afterAll(async () => {
  await stopDeliveryEngine();
  await receiver.close();
  await closeDb();
});

describe("Logs queries", () => {
  it("pages newest first with a keyset cursor, without gaps or repeats", async () => {
    const ids: string[] = [];
    for (let i = 0; i < LOGS_PAGE_SIZE + 5; i += 1) {
      ids.push((await publishEvent(acme.org.id, "credential.issued", issued, { endpointId })).deliveryIds[0]!);
    }
    const first = await listDeliveries({ orgId: acme.org.id }, { endpointId });
    expect(first).toHaveLength(LOGS_PAGE_SIZE + 1);
    const page1 = first.slice(0, LOGS_PAGE_SIZE);
    const last = page1.at(-1)!;
    const second = await listDeliveries({ orgId: acme.org.id }, { endpointId, before: { createdAt: last.createdAt, id: last.id } });
    const seen = [...page1, ...second].map((r) => r.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual([...ids].sort());
    for (let i = 1; i < page1.length; i += 1) expect(page1[i - 1]!.createdAt.getTime()).toBeGreaterThanOrEqual(page1[i]!.createdAt.getTime());
  });

  it("filters by status and event type, and finds an event id or a sessionId in the payload", async () => {
    const published = await publishEvent(acme.org.id, "session.completed", { ...session, sessionId: "ses_findme_42" }, { endpointId });
    await settled(published.deliveryIds[0]!);
    const byType = await listDeliveries({ orgId: acme.org.id }, { eventType: "session.completed", endpointId });
    expect(byType.map((r) => r.eventId)).toContain(published.id);
    expect(byType.every((r) => r.eventType === "session.completed")).toBe(true);
    expect((await listDeliveries({ orgId: acme.org.id }, { search: "ses_findme_42" })).map((r) => r.eventId)).toEqual([published.id]);
    expect((await listDeliveries({ orgId: acme.org.id }, { search: published.id })).map((r) => r.eventId)).toEqual([published.id]);
    const succeeded = await listDeliveries({ orgId: acme.org.id }, { status: "succeeded", endpointId });
    expect(succeeded.every((r) => r.status === "succeeded")).toBe(true);
  });

  it("filters by a time range", async () => {
    const before = new Date(Date.now() - 1000);
    const published = await publishEvent(acme.org.id, "credential.issued", issued, { endpointId });
    const inRange = await listDeliveries({ orgId: acme.org.id }, { endpointId, from: before, to: new Date(Date.now() + 60_000) });
    expect(inRange.map((r) => r.eventId)).toContain(published.id);
    const earlier = await listDeliveries({ orgId: acme.org.id }, { endpointId, to: before });
    expect(earlier.map((r) => r.eventId)).not.toContain(published.id);
  });

  it("never shows another organization's deliveries, whatever it filters by", async () => {
    const published = await publishEvent(acme.org.id, "credential.issued", issued, { endpointId });
    expect(await listDeliveries({ orgId: globex.org.id }, { search: published.id })).toEqual([]);
    expect(await listDeliveries({ orgId: globex.org.id }, { endpointId })).toEqual([]);
    expect(await getDeliveryDetail({ orgId: globex.org.id, id: published.deliveryIds[0]! })).toBeUndefined();
  });
});

describe("admin logs", () => {
  it("lists every organization's deliveries for a platform admin, filters by organization, and fails closed", async () => {
    const { listDeliveriesForAdmin, getDeliveryDetailForAdmin } = await import("@/db/queries/deliveries");
    const published = await publishEvent(acme.org.id, "credential.issued", issued, { endpointId });
    const all = await listDeliveriesForAdmin({ isPlatformAdmin: true }, { search: published.id });
    expect(all.map((r) => [r.eventId, r.organizationName])).toEqual([[published.id, "Acme Verify"]]);
    expect(await listDeliveriesForAdmin({ isPlatformAdmin: true }, { orgId: globex.org.id, search: published.id })).toEqual([]);
    expect(await listDeliveriesForAdmin({ isPlatformAdmin: false }, {})).toEqual([]);
    expect(await getDeliveryDetailForAdmin({ isPlatformAdmin: false, id: published.deliveryIds[0]! })).toBeUndefined();
    expect((await getDeliveryDetailForAdmin({ isPlatformAdmin: true, id: published.deliveryIds[0]! }))?.event.id).toBe(published.id);
  });
});

describe("redeliver", () => {
  it("starts a fresh chain with the same webhook-id, recorded after the earlier attempts", async () => {
    // Its own receiver, so that no other delivery takes the scripted 500.
    const own = await startReceiver();
    const created = await runAction(acme, createEndpointSchema, createEndpoint, { url: `${own.url}/redeliver`, maxRetries: 0 });
    if (!created.ok) throw new Error(created.error.message);
    own.enqueue({ kind: "status", status: 500 });
    const published = await publishEvent(acme.org.id, "credential.issued", issued, { endpointId: created.data.id });
    const deliveryId = published.deliveryIds[0]!;
    await settled(deliveryId);
    expect((await getDeliveryDetail({ orgId: acme.org.id, id: deliveryId }))?.delivery.status).toBe("failed");

    const result = await runAction(acme, deliveryRefSchema, redeliver, { id: deliveryId });
    expect(result).toEqual({ ok: true, data: { id: deliveryId, firstAttempt: 2 } });
    await settled(deliveryId);
    const detail = await getDeliveryDetail({ orgId: acme.org.id, id: deliveryId });
    expect(detail?.delivery.status).toBe("succeeded");
    expect(detail?.attempts.map((a) => [a.attemptNumber, a.responseStatus])).toEqual([
      [1, 500],
      [2, 200],
    ]);
    expect(own.requests.map((r) => r.headers["webhook-id"])).toEqual([published.id, published.id]);
    await own.close();
  });

  it("refuses another organization's delivery exactly like an unknown one", async () => {
    const published = await publishEvent(acme.org.id, "credential.issued", issued, { endpointId });
    await settled(published.deliveryIds[0]!);
    const globexEnterprise = { ...globex, org: { ...globex.org, plan: "enterprise" as const } };
    const theirs = await runAction(globexEnterprise, deliveryRefSchema, redeliver, { id: published.deliveryIds[0]! });
    const unknown = await runAction(globexEnterprise, deliveryRefSchema, redeliver, { id: "dlv_000000000000000000000000" });
    expect(theirs).toEqual({ ok: false, error: { code: "not_found:delivery", message: "That delivery does not exist." } });
    expect(unknown).toEqual(theirs);
  });
});

describe("keyset pagination under concurrent inserts", () => {
  it("returns every row that existed exactly once, while new deliveries keep arriving", async () => {
    const created = await runAction(acme, createEndpointSchema, createEndpoint, { url: `${receiver.url}/keyset`, active: false });
    if (!created.ok) throw new Error(created.error.message);
    const own = created.data.id;
    // Inactive endpoints get no deliveries, so seed rows directly through publish with the endpoint switched on.
    const db = await getDb();
    const { webhookEndpoints } = await import("@/db/schema");
    await db.update(webhookEndpoints).set({ active: true }).where(eq(webhookEndpoints.id, own));
    const existing: string[] = [];
    for (let i = 0; i < LOGS_PAGE_SIZE * 2 + 7; i += 1) {
      existing.push((await publishEvent(acme.org.id, "credential.issued", issued, { endpointId: own })).deliveryIds[0]!);
    }
    const seen: string[] = [];
    let before: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const rows = await listDeliveries({ orgId: acme.org.id }, { endpointId: own, before });
      const page = rows.slice(0, LOGS_PAGE_SIZE);
      seen.push(...page.map((r) => r.id));
      // New deliveries land between page reads: they are newer than every cursor, so they never shift a page.
      await publishEvent(acme.org.id, "credential.issued", issued, { endpointId: own });
      if (rows.length <= LOGS_PAGE_SIZE) break;
      const last = page.at(-1)!;
      before = { createdAt: last.createdAt, id: last.id };
    }
    const fromBefore = seen.filter((id) => existing.includes(id));
    expect(fromBefore.sort()).toEqual([...existing].sort());
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe("redeliver failed since", () => {
  it("restarts the endpoint's failed deliveries since a time, and reports their progress", async () => {
    const { redeliverFailedSchema, deliveryProgressSchema } = await import("@/app/(portal)/webhooks/schemas");
    const { redeliverFailedSince, deliveryProgress } = await import("./recover");
    const own = await startReceiver({ fallback: { kind: "status", status: 500 } });
    const created = await runAction(acme, createEndpointSchema, createEndpoint, { url: `${own.url}/outage`, maxRetries: 0 });
    if (!created.ok) throw new Error(created.error.message);
    const id = created.data.id;
    const failed: string[] = [];
    for (let i = 0; i < 3; i += 1) failed.push((await publishEvent(acme.org.id, "credential.issued", issued, { endpointId: id })).deliveryIds[0]!);
    for (const d of failed) await settled(d);

    own.setFallback({ kind: "status", status: 200 });
    const since = new Date(Date.now() - 3_600_000).toISOString().slice(0, 16);
    const result = await runAction(acme, redeliverFailedSchema, redeliverFailedSince, { id, since });
    expect(result.ok && result.data.ids.sort()).toEqual([...failed].sort());
    for (const d of failed) await settled(d);
    const progress = await runAction(acme, deliveryProgressSchema, deliveryProgress, { ids: failed });
    expect(progress).toEqual({ ok: true, data: { pending: 0, delivering: 0, succeeded: 3, failed: 0, cancelled: 0 } });

    // Nothing failed is left: a second run finds nothing. Another organization finds nothing to count or restart.
    const again = await runAction(acme, redeliverFailedSchema, redeliverFailedSince, { id, since });
    expect(again).toEqual({ ok: true, data: { ids: [], capped: false } });
    const globexEnterprise = { ...globex, org: { ...globex.org, plan: "enterprise" as const } };
    expect((await runAction(globexEnterprise, redeliverFailedSchema, redeliverFailedSince, { id, since })).ok).toBe(false);
    const theirs = await runAction(globexEnterprise, deliveryProgressSchema, deliveryProgress, { ids: failed });
    expect(theirs).toEqual({ ok: true, data: { pending: 0, delivering: 0, succeeded: 0, failed: 0, cancelled: 0 } });
    const future = await runAction(acme, redeliverFailedSchema, redeliverFailedSince, { id, since: "2999-01-01T00:00" });
    expect(future.ok ? undefined : future.error.fieldErrors?.since).toEqual(["Choose a time in the past."]);
    await own.close();
  });
});
