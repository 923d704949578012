import https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Before any app module loads: endpoints on loopback are this test's receivers.
vi.hoisted(() => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
  // Enough slots that, unthrottled, the two engines would far exceed the receiver's 50 requests per second.
  process.env.DELIVERY_CONCURRENCY_PER_ENDPOINT ??= "32";
});

const { closeDb, getDb } = await import("@/db");
const { createEndpointSchema } = await import("@/app/(portal)/webhooks/schemas");
const { runAction } = await import("@/lib/action");
const { createEndpoint } = await import("@/lib/endpoints/operations");
const { EVENT_CATALOG } = await import("@/lib/events/catalog");
const { env } = await import("@/lib/env");
const { startDeliveryEngine, stopDeliveryEngine } = await import("@/lib/startup/engine");
const { EmbeddedEngine } = await import("@/lib/workflows/embedded-engine");
const { createTestOrganization } = await import("@/testing/organization");
const { ensureTestCertificates } = await import("@/testing/test-ca");
const { DELIVERY_WORKFLOW } = await import("./run-input");
const { runDeliveryWorkflow } = await import("./workflow");
const { publishEvent } = await import("./publish");
const { endpointThrottleState } = await import("./throttle");

type Ctx = Awaited<ReturnType<typeof createTestOrganization>>;

/** One request as the receiver answered it. */
interface Hit {
  at: number;
  status: number;
  id: string;
}

/**
 * An HTTPS receiver that accepts at most `perSecond` requests in any sliding second and answers 429 above that
 * (with `Retry-After` when asked), or answers 200 to everything (perSecond: Infinity).
 */
async function startLimitedReceiver(perSecond: number, retryAfterSeconds?: number) {
  const { serverKey, serverCert } = ensureTestCertificates();
  const hits: Hit[] = [];
  const accepted: number[] = [];
  const sockets = new Set<Socket>();
  const server = https.createServer({ key: serverKey, cert: serverCert }, (req, res) => {
    req.resume();
    req.on("end", () => {
      const now = Date.now();
      while (accepted.length > 0 && accepted[0]! <= now - 1000) accepted.shift();
      const ok = accepted.length < perSecond;
      if (ok) accepted.push(now);
      hits.push({ at: now, status: ok ? 200 : 429, id: String(req.headers["webhook-id"]) });
      res.writeHead(ok ? 200 : 429, ok || retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) });
      res.end(ok ? "ok" : "slow down");
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const example = EVENT_CATALOG.find((e) => e.type === "session.completed")!.example;
let ctx: Ctx;
let second: InstanceType<typeof EmbeddedEngine>;

async function endpointFor(url: string, input: Record<string, unknown> = {}) {
  const result = await runAction(ctx, createEndpointSchema, createEndpoint, { url, maxRetries: 10, ...input });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data.id;
}

async function publishMany(endpointId: string, n: number) {
  await Promise.all(Array.from({ length: n }, () => publishEvent(ctx.org.id, "session.completed", example, { endpointId })));
}

/** The most requests any sliding second saw, among those answered `status` (or all). */
function maxPerSecond(hits: Hit[], status?: number): number {
  const times = hits.filter((h) => status === undefined || h.status === status).map((h) => h.at);
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i += 1) {
    while (times[i]! - times[j]! >= 1000) j += 1;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

beforeAll(async () => {
  ctx = await createTestOrganization("throttle");
  // Two engines on one database, each with its own slots: the limits hold only if they hold across them.
  await startDeliveryEngine({ pollMs: 20, leaseMs: 10_000, concurrencyPerOrganization: 64 });
  second = new EmbeddedEngine({
    db: await getDb(),
    workflows: { [DELIVERY_WORKFLOW]: runDeliveryWorkflow },
    concurrency: env.delivery.concurrency,
    concurrencyPerKey: env.delivery.concurrencyPerEndpoint,
    concurrencyPerGroup: 64,
    stepTimeoutMs: 30_000,
    pollMs: 20,
    leaseMs: 10_000,
  });
  second.start();
});

afterAll(async () => {
  await second?.stop();
  await stopDeliveryEngine();
  await closeDb();
});

describe("throttling across two engines", () => {
  it("holds an endpoint's rate limit across both engines", async () => {
    const receiver = await startLimitedReceiver(Infinity);
    try {
      const endpointId = await endpointFor(`${receiver.url}/limited`, { rateLimitPerSecond: 20 });
      const started = Date.now();
      await publishMany(endpointId, 80);
      await vi.waitFor(() => expect(receiver.hits.length).toBeGreaterThanOrEqual(80), { timeout: 15_000, interval: 100 });
      const seconds = (receiver.hits.at(-1)!.at - started) / 1000;
      // 80 requests at 20 per second take about 4 s. Slots are 50 ms apart in the shared schedule; what arrives in
      // one second can exceed 20 only by the send jitter of a loaded machine (a request that left late beside the next).
      console.info(`rate limit 20/s over two engines: ${receiver.hits.length} requests in ${seconds.toFixed(1)} s, at most ${maxPerSecond(receiver.hits)} in one second`);
      expect(maxPerSecond(receiver.hits)).toBeLessThanOrEqual(26);
      expect(receiver.hits.length / seconds).toBeLessThanOrEqual(21);
      expect(seconds).toBeGreaterThan(3.5);
      // The ideal is 4 s, and alone it takes 5-6 s. Runs whose slot is far off suspend and ask again after a jittered
      // wait, so on a loaded machine (2 cores, other test files running beside this one) the last of them arrive late:
      // 8.8 s was seen there. The bound catches a schedule that stalls, not that tail.
      expect(seconds).toBeLessThan(12);
    } finally {
      await receiver.close();
    }
  });

  it("converges near 50 requests per second on a receiver that answers 429 above that, with few 429s", async () => {
    const receiver = await startLimitedReceiver(50);
    try {
      const endpointId = await endpointFor(`${receiver.url}/adaptive`);
      const started = Date.now();
      await publishMany(endpointId, 1400);
      const RUN_MS = 24_000;
      for (let t = 0; t < RUN_MS; t += 2000) {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const now = Date.now();
        const recent = receiver.hits.filter((h) => h.at > now - 2000);
        const s = await endpointThrottleState({ orgId: ctx.org.id, endpointId });
        console.info(`t=${(t + 2000) / 1000}s sent ${recent.length / 2}/s, 429 ${recent.filter((h) => h.status === 429).length / 2}/s, rate ${s.rate?.toFixed(1)} until ${s.throttledUntil?.toISOString()}`);
      }
      const hits = receiver.hits.filter((h) => h.at - started <= RUN_MS);
      const ok = hits.filter((h) => h.status === 200);
      const rejected = hits.length - ok.length;
      // After the first seconds (the receiver's first 429s teach Herald its rate): the accepted rate and the 429s.
      const settled = hits.filter((h) => h.at - started > 6000);
      const settledOk = settled.filter((h) => h.status === 200).length;
      const settledRate = settledOk / ((RUN_MS - 6000) / 1000);
      const settledShare = (settled.length - settledOk) / Math.max(1, settled.length);
      const state = await endpointThrottleState({ orgId: ctx.org.id, endpointId });
      console.info(
        `429 receiver over ${RUN_MS / 1000} s: ${hits.length} requests, ${ok.length} accepted (${(ok.length / (RUN_MS / 1000)).toFixed(1)}/s), ` +
          `${rejected} answered 429 (${((rejected / hits.length) * 100).toFixed(1)}%); after 6 s: ${settledRate.toFixed(1)}/s accepted, ` +
          `${(settledShare * 100).toFixed(1)}% 429; adaptive rate now ${state.rate?.toFixed(1)}/s`,
      );
      expect(settledRate).toBeGreaterThan(33);
      expect(settledShare).toBeLessThan(0.1);
      expect(rejected / hits.length).toBeLessThan(0.15);
      expect(state.rate).not.toBeNull();
    } finally {
      await receiver.close();
    }
  }, 60_000);
});
