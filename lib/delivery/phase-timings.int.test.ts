import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Before any app module loads: endpoints on loopback are this test's receivers.
vi.hoisted(() => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
});

const { startReceiver } = await import("@/testing/https-receiver");
const { sendAttempt } = await import("./send-attempt");
const { closeDb, getDb } = await import("@/db");
const { deliveryAttempts } = await import("@/db/schema");
const { createEndpointSchema } = await import("@/app/(portal)/webhooks/schemas");
const { runAction } = await import("@/lib/action");
const { createEndpoint } = await import("@/lib/endpoints/operations");
const { endpointHealth } = await import("@/db/queries/webhooks");
const { EVENT_CATALOG } = await import("@/lib/events/catalog");
const { startDeliveryEngine, stopDeliveryEngine } = await import("@/lib/startup/engine");
const { waitForDelivery } = await import("@/testing/delivery");
const { createTestOrganization } = await import("@/testing/organization");
const { publishEvent } = await import("./publish");

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
type AttemptRequest = Parameters<typeof sendAttempt>[0];

// Per-phase timings against real HTTPS receivers on loopback (the test CA is trusted through NODE_EXTRA_CA_CERTS).
let fast: Receiver;
let slow: Receiver;

const SLOW_HANDLER_MS = 300;

function attempt(url: string): AttemptRequest {
  return { url, headers: { "content-type": "application/json" }, body: "{}", timeoutMs: 5000, allowPrivateTargets: true };
}

beforeAll(async () => {
  fast = await startReceiver();
  slow = await startReceiver({ fallback: { kind: "status", status: 200, body: "ok", delayMs: SLOW_HANDLER_MS } });
});

afterAll(async () => {
  await stopDeliveryEngine();
  await fast?.close();
  await slow?.close();
  await closeDb();
});

describe("per-phase timings", () => {
  it("measures connect, TLS and TTFB on a new connection to an IP literal, with no DNS lookup", async () => {
    // A fresh path keeps this request from reusing a pooled socket: the agent pools per host and port, and this
    // receiver was never contacted.
    const result = await sendAttempt(attempt(`${fast.url}/first`));
    expect(result.ok).toBe(true);
    const { dnsMs, connectMs, tlsMs, ttfbMs } = result.phases;
    expect(dnsMs).toBe(0);
    expect(connectMs).not.toBeNull();
    expect(tlsMs).toBeGreaterThan(0);
    expect(ttfbMs).not.toBeNull();
    expect(connectMs! + tlsMs! + ttfbMs!).toBeLessThanOrEqual(result.durationMs + 1);
  });

  it("leaves DNS, connect and TLS out when the keep-alive connection is reused", async () => {
    await sendAttempt(attempt(`${fast.url}/warm`));
    const connectionsBefore = fast.connections();
    const result = await sendAttempt(attempt(`${fast.url}/again`));
    expect(result.ok).toBe(true);
    expect(fast.connections()).toBe(connectionsBefore);
    expect(result.phases).toMatchObject({ dnsMs: null, connectMs: null, tlsMs: null });
    expect(result.phases.ttfbMs).not.toBeNull();
  });

  it("measures a DNS lookup for a host name", async () => {
    // localhost resolves through the system resolver (/etc/hosts), so the lookup phase really happens.
    const result = await sendAttempt(attempt(`https://localhost:${fast.port}/named`));
    expect(result.ok).toBe(true);
    expect(result.phases.dnsMs).not.toBeNull();
    expect(result.phases.connectMs).not.toBeNull();
    expect(result.phases.tlsMs).toBeGreaterThan(0);
  });

  it("puts a slow handler in TTFB, not in connect or TLS", async () => {
    const result = await sendAttempt(attempt(`${slow.url}/slow`));
    expect(result.ok).toBe(true);
    const { connectMs, tlsMs, ttfbMs } = result.phases;
    expect(ttfbMs).toBeGreaterThanOrEqual(SLOW_HANDLER_MS - 5);
    expect(connectMs!).toBeLessThan(SLOW_HANDLER_MS / 2);
    expect(tlsMs!).toBeLessThan(SLOW_HANDLER_MS / 2);
    // Reused: the whole wait is still the handler's.
    const again = await sendAttempt(attempt(`${slow.url}/slow-again`));
    expect(again.phases.connectMs).toBeNull();
    expect(again.phases.ttfbMs).toBeGreaterThanOrEqual(SLOW_HANDLER_MS - 5);
  });

  it("keeps the phases reached when the connection is refused", async () => {
    const closed = await startReceiver();
    const url = closed.url;
    await closed.close();
    const result = await sendAttempt(attempt(`${url}/refused`));
    expect(result.ok).toBe(false);
    expect(result.errorClass).toBe("connection");
    expect(result.phases.connectMs).toBeNull();
    expect(result.phases.ttfbMs).toBeNull();
  });
});

describe("per-phase timings through the delivery engine", () => {
  it("stores each attempt's phases and the Health card's p50/p95 per phase", async () => {
    const ctx = await createTestOrganization("phases");
    const created = await runAction(ctx, createEndpointSchema, createEndpoint, { url: `https://localhost:${slow.port}/engine` });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const endpointId = created.data.id;
    await startDeliveryEngine({ pollMs: 20, leaseMs: 10_000 });
    const example = EVENT_CATALOG.find((e) => e.type === "session.completed")!.example;
    for (let i = 0; i < 3; i += 1) {
      const { deliveryIds } = await publishEvent(ctx.org.id, "session.completed", example, { endpointId });
      expect((await waitForDelivery(deliveryIds[0]!)).status).toBe("succeeded");
    }
    const db = await getDb();
    const attempts = await db.select().from(deliveryAttempts).where(eq(deliveryAttempts.endpointId, endpointId));
    expect(attempts).toHaveLength(3);
    for (const a of attempts) expect(a.ttfbMs).toBeGreaterThanOrEqual(SLOW_HANDLER_MS - 5);
    // At least the first opened a connection (a host name: a real lookup); the others may have reused it.
    expect(attempts.some((a) => a.dnsMs !== null && a.connectMs !== null && a.tlsMs !== null)).toBe(true);

    const health = await endpointHealth({ orgId: ctx.org.id, id: endpointId, hours: 24 });
    expect(health.phases.ttfb.p50).toBeGreaterThanOrEqual(SLOW_HANDLER_MS - 5);
    expect(health.phases.ttfb.p95).toBeGreaterThanOrEqual(health.phases.ttfb.p50!);
    expect(health.phases.tls.p50).not.toBeNull();
    expect(health.phases.connect.p95!).toBeLessThan(SLOW_HANDLER_MS / 2);
    // Another organization reads nothing of it.
    const other = await createTestOrganization("phases-other");
    const foreign = await endpointHealth({ orgId: other.org.id, id: endpointId, hours: 24 });
    expect(foreign.phases.ttfb.p50).toBeNull();
  });
});
