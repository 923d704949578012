import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Before any app module loads: endpoints on loopback are this test's receivers.
vi.hoisted(() => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
});

const { createEndpointSchema } = await import("@/app/(portal)/webhooks/schemas");
const { GET: health } = await import("@/app/api/health/route");
const { closeDb, getDb } = await import("@/db");
const { deliveryAttempts, webhookEndpoints } = await import("@/db/schema");
const { runAction } = await import("@/lib/action");
const { env } = await import("@/lib/env");
const { startReceiver } = await import("@/testing/https-receiver");
const { waitForDelivery, waitForRun } = await import("@/testing/delivery");
const { createTestOrganization } = await import("@/testing/organization");
const { startSilentServer } = await import("@/testing/silent-server");
const { EVENT_CATALOG } = await import("@/lib/events/catalog");
const { createEndpoint, setEndpointActive } = await import("@/lib/endpoints/operations");
const { startDeliveryEngine, stopDeliveryEngine } = await import("@/lib/startup/engine");
const { publishEvent } = await import("./publish");
const { MAX_INFORMATIONAL_RESPONSES, MAX_RESPONSE_BYTES, STORED_BODY_BYTES } = await import("./send-attempt");

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
type Attempt = typeof deliveryAttempts.$inferSelect;
type Ctx = Awaited<ReturnType<typeof createTestOrganization>>;

const HEALTH_LIMIT_MS = 200;
/**
 * No single check may take longer than this: a stalled event loop (a receiver that holds a step) shows as seconds.
 * The single slowest check also carries the machine's scheduling noise (356 ms once on two cores at load 16 while
 * the p95 stayed low), so the 200 ms target is held by the p95.
 */
const HEALTH_MAX_MS = 1_000;
const example = EVENT_CATALOG.find((e) => e.type === "credential.issued")!.example;

/** One faulty receiver and what Herald must make of it. */
interface Case {
  name: string;
  /** Starts the receiver; returns the endpoint URL and whatever the checks need. */
  start: () => Promise<{ url: string; receiver?: Receiver; close: () => Promise<void>; extra?: Record<string, unknown> }>;
  timeoutSeconds: number;
  maxRetries: number;
  finalStatus: "succeeded" | "failed";
  /** Per attempt: [HTTP status or null, error class or null]. */
  attempts: [number | null, string | null][];
  check?: (attempts: Attempt[], started: Awaited<ReturnType<Case["start"]>>) => void | Promise<void>;
}

const receiverCase = (options: Parameters<typeof startReceiver>[0], setup?: (r: Receiver) => void) => async () => {
  const receiver = await startReceiver(options);
  setup?.(receiver);
  return { url: `${receiver.url}/hook`, receiver, close: () => receiver.close() };
};

const gapsOf = (attempts: Attempt[]) => attempts.slice(1).map((a, i) => a.startedAt.getTime() - attempts[i]!.startedAt.getTime());

const CASES: Case[] = [
  {
    name: "500 on every attempt",
    start: receiverCase({ fallback: { kind: "status", status: 500, body: "boom" } }),
    timeoutSeconds: 5,
    maxRetries: 2,
    finalStatus: "failed",
    attempts: [
      [500, "http_status"],
      [500, "http_status"],
      [500, "http_status"],
    ],
    check: (attempts) => {
      expect(attempts.every((a) => a.responseBody === "boom")).toBe(true);
      // Exponential backoff (base WEBHOOK_RETRY_BASE_MS, x4 per retry, +/-20% jitter): each wait is at least its floor.
      const base = env.delivery.retryBaseMs;
      const [g1, g2] = gapsOf(attempts);
      expect(g1!).toBeGreaterThanOrEqual(base * 0.8);
      expect(g2!).toBeGreaterThanOrEqual(base * 4 * 0.8);
    },
  },
  {
    name: "503 with Retry-After: 1, then 200",
    start: receiverCase(undefined, (r) => r.enqueue({ kind: "status", status: 503, headers: { "retry-after": "1" } })),
    timeoutSeconds: 5,
    maxRetries: 3,
    finalStatus: "succeeded",
    attempts: [
      [503, "http_status"],
      [200, null],
    ],
    check: (attempts) => expect(gapsOf(attempts)[0]).toBeGreaterThanOrEqual(1000),
  },
  {
    name: "429 with Retry-After: 1 on every attempt",
    start: receiverCase({ fallback: { kind: "status", status: 429, headers: { "retry-after": "1" } } }),
    timeoutSeconds: 5,
    maxRetries: 1,
    finalStatus: "failed",
    attempts: [
      [429, "http_status"],
      [429, "http_status"],
    ],
    check: (attempts) => expect(gapsOf(attempts)[0]).toBeGreaterThanOrEqual(1000),
  },
  {
    name: "410 Gone",
    start: receiverCase({ fallback: { kind: "status", status: 410 } }),
    timeoutSeconds: 5,
    maxRetries: 3,
    finalStatus: "failed",
    attempts: [[410, "http_status"]],
  },
  {
    name: "a 200 that comes after the timeout",
    start: receiverCase({ fallback: { kind: "status", status: 200, delayMs: 2500 } }),
    timeoutSeconds: 1,
    maxRetries: 1,
    finalStatus: "failed",
    attempts: [
      [null, "timeout"],
      [null, "timeout"],
    ],
    check: (attempts) => {
      for (const a of attempts) {
        expect(a.durationMs).toBeGreaterThanOrEqual(950);
        expect(a.durationMs).toBeLessThan(1500);
      }
    },
  },
  {
    name: "a connection reset mid-response",
    start: receiverCase({ fallback: { kind: "reset-mid-body", bytes: 2000 } }),
    timeoutSeconds: 5,
    maxRetries: 1,
    finalStatus: "failed",
    attempts: [
      [200, "connection"],
      [200, "connection"],
    ],
  },
  {
    name: "a server that accepts the connection and never answers",
    start: async () => {
      const silent = await startSilentServer();
      return { url: `${silent.url}/hook`, close: () => silent.close(), extra: { silent } };
    },
    timeoutSeconds: 1,
    maxRetries: 0,
    finalStatus: "failed",
    attempts: [[null, "timeout"]],
    check: (attempts, started) => {
      const silent = started.extra!.silent as Awaited<ReturnType<typeof startSilentServer>>;
      expect(silent.connections()).toBeGreaterThanOrEqual(1);
      expect(attempts[0]!.durationMs).toBeLessThan(1500);
    },
  },
  {
    name: "a body that drips one byte every 300 ms past the timeout",
    start: receiverCase({ fallback: { kind: "drip", intervalMs: 300, chunks: 20 } }),
    timeoutSeconds: 1,
    maxRetries: 0,
    finalStatus: "failed",
    attempts: [[null, "timeout"]],
    check: (attempts) => expect(attempts[0]!.durationMs).toBeLessThan(1500),
  },
  {
    name: "a 302 to another host",
    start: async () => {
      // The other host: [::1] instead of 127.0.0.1, on its own port. It must never see a request.
      const elsewhere = await startReceiver({ host: "::1" });
      const receiver = await startReceiver({ fallback: { kind: "redirect", location: `${elsewhere.url}/stolen`, status: 302 } });
      return {
        url: `${receiver.url}/hook`,
        receiver,
        close: async () => {
          await receiver.close();
          await elsewhere.close();
        },
        extra: { elsewhere },
      };
    },
    timeoutSeconds: 5,
    maxRetries: 0,
    finalStatus: "failed",
    attempts: [[302, "http_status"]],
    check: (attempts, started) => {
      expect(attempts[0]!.errorMessage).toContain("not followed");
      expect((started.extra!.elsewhere as Receiver).requests).toHaveLength(0);
    },
  },
  {
    name: "an expired certificate",
    start: receiverCase({ certificate: "expired" }),
    timeoutSeconds: 5,
    maxRetries: 1,
    finalStatus: "failed",
    attempts: [
      [null, "tls"],
      [null, "tls"],
    ],
    check: (attempts, started) => {
      expect(attempts[0]!.errorMessage).toMatch(/expired/i);
      expect(started.receiver!.requests).toHaveLength(0);
    },
  },
  {
    name: "a self-signed certificate",
    start: receiverCase({ certificate: "self-signed" }),
    timeoutSeconds: 5,
    maxRetries: 0,
    finalStatus: "failed",
    attempts: [[null, "tls"]],
    check: (attempts, started) => {
      expect(attempts[0]!.errorMessage).toMatch(/self[- ]signed/i);
      expect(started.receiver!.requests).toHaveLength(0);
    },
  },
  {
    name: "a 50 MB response",
    start: receiverCase({ fallback: { kind: "large", bytes: 50 * 1024 * 1024 } }),
    timeoutSeconds: 10,
    maxRetries: 0,
    finalStatus: "failed",
    attempts: [[200, "response_too_large"]],
    check: (attempts) => {
      const [a] = attempts;
      expect(a!.errorMessage).toContain(`${MAX_RESPONSE_BYTES / 1024 / 1024} MB`);
      expect(a!.responseBody).toHaveLength(STORED_BODY_BYTES);
      expect(a!.responseBodyTruncated).toBe(true);
    },
  },
  {
    name: "101 Switching Protocols with Upgrade: websocket (the socket then stays open, silent)",
    start: receiverCase({ fallback: { kind: "switching-protocols" } }),
    timeoutSeconds: 5,
    maxRetries: 1,
    finalStatus: "failed",
    attempts: [
      [101, "http_status"],
      [101, "http_status"],
    ],
    check: (attempts) => {
      for (const a of attempts) {
        expect(a.errorMessage).toContain("Switching Protocols (Upgrade: websocket)");
        // Settled at once, not at the timeout (before the fix it never settled at all).
        expect(a.durationMs).toBeLessThan(1000);
      }
    },
  },
  {
    name: "101 Switching Protocols without Upgrade",
    start: receiverCase({ fallback: { kind: "switching-protocols", upgradeHeader: false } }),
    timeoutSeconds: 5,
    maxRetries: 0,
    finalStatus: "failed",
    attempts: [[101, "http_status"]],
    check: (attempts) => expect(attempts[0]!.errorMessage).toMatch(/informational status, as its final answer/),
  },
  {
    name: "103 Early Hints every 10 ms, never a final answer",
    start: receiverCase({ fallback: { kind: "endless-informational", intervalMs: 10 } }),
    timeoutSeconds: 5,
    maxRetries: 0,
    finalStatus: "failed",
    attempts: [[103, "http_status"]],
    check: (attempts) => {
      expect(attempts[0]!.errorMessage).toContain(`${MAX_INFORMATIONAL_RESPONSES} informational answers`);
      expect(attempts[0]!.durationMs).toBeLessThan(5000);
    },
  },
  {
    name: "103 Early Hints every 400 ms past the timeout",
    start: receiverCase({ fallback: { kind: "endless-informational", intervalMs: 400 } }),
    timeoutSeconds: 1,
    maxRetries: 0,
    finalStatus: "failed",
    attempts: [[null, "timeout"]],
    check: (attempts) => {
      expect(attempts[0]!.errorMessage).toMatch(/informational 1xx answer\(s\), no final one/);
      expect(attempts[0]!.durationMs).toBeLessThan(1500);
    },
  },
  {
    name: "invalid HTTP",
    start: receiverCase({ fallback: { kind: "invalid-http" } }),
    timeoutSeconds: 5,
    maxRetries: 1,
    finalStatus: "failed",
    attempts: [
      [null, "connection"],
      [null, "connection"],
    ],
    check: (attempts) => expect(attempts[0]!.errorMessage).toMatch(/Invalid HTTP response|HPE_|Parse Error/i),
  },
];

let ctx: Ctx;
const healthTimes: number[] = [];
let healthFailures = 0;
let probing = true;
let probe: Promise<void> | undefined;

beforeAll(async () => {
  // An organization of its own: other test files on the same database switch the demo organizations' endpoints off.
  ctx = await createTestOrganization("faulty");
  await startDeliveryEngine({ pollMs: 20, leaseMs: 30_000 });
  // The health check, exactly as GET /api/health answers it, in the process that runs the deliveries: if a faulty
  // receiver blocked the event loop or exhausted the database pool, this is where it would show. The first call
  // warms up (module loading, the pool's first connection) and is not counted.
  await health();
  probe = (async () => {
    while (probing) {
      const t0 = performance.now();
      const response = await health();
      healthTimes.push(performance.now() - t0);
      if (response.status !== 200) healthFailures += 1;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
});

afterAll(async () => {
  probing = false;
  await probe;
  await stopDeliveryEngine();
  await closeDb();
});

describe("faulty receivers: each ends with the right attempts, error class and final status", () => {
  it("every case, all at once, while the health check stays fast (p95 under 200 ms, none over 1 s)", async () => {
    const db = await getDb();
    const results = await Promise.all(
      CASES.map(async (c) => {
        const started = await c.start();
        try {
          const created = await runAction(ctx, createEndpointSchema, createEndpoint, {
            url: started.url,
            timeoutSeconds: c.timeoutSeconds,
            maxRetries: c.maxRetries,
          });
          if (!created.ok) throw new Error(`${c.name}: ${JSON.stringify(created.error)}`);
          const published = await publishEvent(ctx.org.id, "credential.issued", example, { endpointId: created.data.id });
          const deliveryId = published.deliveryIds[0]!;
          const t0 = Date.now();
          const delivery = await waitForDelivery(deliveryId, 30_000);
          const attempts = await db
            .select()
            .from(deliveryAttempts)
            .where(eq(deliveryAttempts.deliveryId, deliveryId))
            .orderBy(asc(deliveryAttempts.attemptNumber));
          // Endpoint state is written after the delivery's final status: read it once the run has finished.
          await waitForRun(`${deliveryId}:1`);
          const [endpoint] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, created.data.id));
          return { c, started, delivery, attempts, endpoint: endpoint!, eventId: published.id, ms: Date.now() - t0 };
        } catch (error) {
          await started.close();
          throw error;
        }
      }),
    );
    try {
      const summary: string[] = [];
      for (const { c, started, delivery, attempts, endpoint, eventId, ms } of results) {
        const seen = attempts.map((a) => [a.responseStatus, a.errorClass]);
        summary.push(`${c.name}: ${delivery.status}, ${attempts.length} attempt(s) ${JSON.stringify(seen)} in ${ms} ms`);
        expect.soft(delivery.status, c.name).toBe(c.finalStatus);
        expect.soft(delivery.attemptCount, c.name).toBe(c.attempts.length);
        expect.soft(seen, c.name).toEqual(c.attempts);
        expect.soft(attempts.map((a) => a.attemptNumber), c.name).toEqual(c.attempts.map((_, i) => i + 1));
        expect.soft(attempts.every((a) => a.errorClass === null || (a.errorMessage ?? "").length > 0), c.name).toBe(true);
        // Every request that reached the receiver carried the same webhook-id: the event's.
        for (const r of started.receiver?.requests ?? []) expect.soft(r.headers["webhook-id"], c.name).toBe(eventId);
        // Only 410 switches the endpoint off; every other failure leaves it on (one failed delivery in a row).
        if (c.attempts.at(-1)![0] === 410) {
          expect.soft(endpoint.active, c.name).toBe(false);
          expect.soft(endpoint.disabledReason, c.name).toContain("410");
        } else {
          expect.soft(endpoint.active, c.name).toBe(true);
          expect.soft(endpoint.consecutiveFailures, c.name).toBe(c.finalStatus === "failed" ? 1 : 0);
        }
        await c.check?.(attempts, started);
      }
      const sorted = [...healthTimes].sort((a, b) => a - b);
      const max = sorted.at(-1) ?? NaN;
      const p50 = sorted[Math.floor(sorted.length / 2)] ?? NaN;
      const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? NaN;
      console.log(
        `faulty receivers:\n  ${summary.join("\n  ")}\n  health: ${sorted.length} checks, p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${max.toFixed(1)} ms, ${healthFailures} not 200`,
      );
      expect(sorted.length).toBeGreaterThan(20);
      expect(healthFailures).toBe(0);
      expect(p95).toBeLessThan(HEALTH_LIMIT_MS);
      expect(max).toBeLessThan(HEALTH_MAX_MS);
    } finally {
      await Promise.all(results.map((r) => r.started.close()));
    }
  }, 60_000);
});

describe("one tenant's stuck endpoints cannot hold up another tenant", () => {
  it("8 endpoints that never answer (30 s timeout, 80 deliveries) hold only their organization's share; another organization's delivery arrives at once", async () => {
    const hog = await createTestOrganization("hog");
    const stuck = await startReceiver({ fallback: { kind: "hang" } });
    const healthy = await startReceiver();
    const share = env.delivery.concurrencyPerOrganization;
    expect(share).toBeLessThan(env.delivery.concurrency);
    const hogEndpoints: string[] = [];
    try {
      for (let i = 0; i < 8; i += 1) {
        const created = await runAction(hog, createEndpointSchema, createEndpoint, { url: `${stuck.url}/stuck-${i}`, timeoutSeconds: 30, maxRetries: 0 });
        if (!created.ok) throw new Error(JSON.stringify(created.error));
        hogEndpoints.push(created.data.id);
      }
      // 10 per endpoint: more than the per-endpoint limit (8) on every one of them, 80 runs for 64 slots.
      for (let j = 0; j < 10; j += 1) {
        for (const endpointId of hogEndpoints) await publishEvent(hog.org.id, "credential.issued", example, { endpointId });
      }
      await stuck.waitForRequests(share, 15_000);
      // Claims continue every 20 ms: give the engine time to take more slots if it would.
      await new Promise((r) => setTimeout(r, 500));
      expect(stuck.requests.length).toBe(share);

      const created = await runAction(ctx, createEndpointSchema, createEndpoint, { url: `${healthy.url}/other-tenant`, timeoutSeconds: 5 });
      if (!created.ok) throw new Error(JSON.stringify(created.error));
      const t0 = Date.now();
      const published = await publishEvent(ctx.org.id, "credential.issued", example, { endpointId: created.data.id });
      await healthy.waitForRequests(1, 10_000);
      const waited = Date.now() - t0;
      const delivery = await waitForDelivery(published.deliveryIds[0]!, 10_000);
      console.log(`another tenant's delivery arrived ${waited} ms after publishing, while ${stuck.requests.length} stuck attempts of one tenant were in flight`);
      expect(delivery.status).toBe("succeeded");
      expect(waited).toBeLessThan(3000);
    } finally {
      for (const id of hogEndpoints) await setEndpointActive({ id, active: false }, hog);
      await stuck.close();
      await healthy.close();
    }
  }, 60_000);
});
