import { type ChildProcess, spawn } from "node:child_process";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
});

const { createEndpointSchema } = await import("@/app/(portal)/webhooks/schemas");
const { closeDb, getDb } = await import("@/db");
const { deliveries } = await import("@/db/schema");
const { sessionContextFor } = await import("@/testing/session");
const { ensureTestCertificates } = await import("@/testing/test-ca");
const { runAction } = await import("@/lib/action");
const { env } = await import("@/lib/env");
const { EVENT_CATALOG } = await import("@/lib/events/catalog");
const { createEndpoint } = await import("@/lib/endpoints/operations");
const { publishEvent } = await import("./publish");

/** A worker process (the embedded engine), with a short lease so a killed worker's runs are taken over quickly. */
function startWorker(extraEnv: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/delivery-worker.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: env.databaseUrl,
      WEBHOOK_ALLOW_PRIVATE_TARGETS: "1",
      DELIVERY_LEASE_MS: "1500",
      DELIVERY_POLL_MS: "50",
      LOG_LEVEL: "warn",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("worker ready")) resolve(child);
    });
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${output}`)));
  });
}

interface Seen {
  eventId: string;
  status: number;
}

/**
 * A real HTTPS receiver that counts the requests it is answering at the same moment (the highest count is what a
 * per-endpoint limit must keep down), and answers each with `answer(eventId)` after `delayMs`.
 */
async function startCountingReceiver(options: { delayMs: number; answer: (eventId: string) => number }) {
  const certs = ensureTestCertificates();
  const seen: Seen[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = https.createServer({ key: certs.serverKey, cert: certs.serverCert }, (req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    req.resume();
    req.on("end", () => {
      const eventId = String(req.headers["webhook-id"]);
      const status = options.answer(eventId);
      seen.push({ eventId, status });
      setTimeout(() => {
        inFlight -= 1;
        res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "try again");
      }, options.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    seen,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const example = EVENT_CATALOG.find((e) => e.type === "credential.claimed")!.example;

async function waitForDeliveries(deliveryIds: string[], timeout: number): Promise<void> {
  const db = await getDb();
  await vi.waitFor(
    async () => {
      const rows = await db.select({ status: deliveries.status }).from(deliveries).where(inArray(deliveries.id, deliveryIds));
      expect(rows.filter((r) => r.status === "succeeded")).toHaveLength(deliveryIds.length);
    },
    { timeout, interval: 100 },
  );
}

// PGlite lives inside one process, so several worker processes need PostgreSQL; CI always runs with it.
describe.skipIf(!process.env.DATABASE_URL)("several engine processes on one PostgreSQL", () => {
  const LIMIT = 3;
  let workers: ChildProcess[] = [];
  const receivers: { close: () => Promise<void> }[] = [];
  // Two processes, each allowed LIMIT per endpoint: without a limit shared through the database a receiver would see
  // up to twice as many at once. Started once for both tests (a process takes seconds to start on a busy machine).
  const startWorkers = async () => (workers = await Promise.all([1, 2].map(() => startWorker({ DELIVERY_CONCURRENCY_PER_ENDPOINT: String(LIMIT) }))));

  beforeAll(startWorkers, 60_000);
  afterAll(async () => {
    for (const w of workers) w.kill("SIGKILL");
    for (const r of receivers) await r.close();
    await closeDb();
  });

  it("DELIVERY_CONCURRENCY_PER_ENDPOINT holds across processes: a receiver never sees more requests at once", async () => {
    const EVENTS = 36;
    const receiver = await startCountingReceiver({ delayMs: 120, answer: () => 200 });
    receivers.push(receiver);
    const ctx = await sessionContextFor("partner@example.com");
    const created = await runAction(ctx, createEndpointSchema, createEndpoint, { url: `${receiver.url}/limit` });
    if (!created.ok) throw new Error(created.error.message);

    const published = await Promise.all(
      Array.from({ length: EVENTS }, () => publishEvent(ctx.org.id, "credential.claimed", example, { endpointId: created.data.id })),
    );
    await waitForDeliveries(
      published.map((p) => p.deliveryIds[0]!),
      20_000,
    );
    console.log(`per-endpoint limit ${LIMIT} across 2 processes: ${EVENTS} events, at most ${receiver.maxInFlight()} at once`);
    expect(receiver.maxInFlight()).toBeLessThanOrEqual(LIMIT);
    // The limit is used, not undercut (36 requests of 120 ms each).
    expect(receiver.maxInFlight()).toBeGreaterThanOrEqual(2);
    expect(new Set(receiver.seen.map((s) => s.eventId)).size).toBe(EVENTS);
  }, 45_000);

  it("ordered endpoint: random 500s, both processes SIGKILLed mid-run and restarted; every event arrives, in order", async () => {
    const EVENTS = 24;
    // Random 500s, at most two in a row per event (keeps the backoff, 40 ms x 4^n, short).
    const failures = new Map<string, number>();
    const receiver = await startCountingReceiver({
      delayMs: 40,
      answer: (eventId) => {
        const n = failures.get(eventId) ?? 0;
        if (n < 2 && Math.random() < 0.35) {
          failures.set(eventId, n + 1);
          return 500;
        }
        failures.set(eventId, 99);
        return 200;
      },
    });
    receivers.push(receiver);
    const ctx = await sessionContextFor("partner@example.com");
    const created = await runAction(ctx, createEndpointSchema, createEndpoint, {
      url: `${receiver.url}/ordered`,
      maxRetries: 10,
      ordered: true,
    });
    if (!created.ok) throw new Error(created.error.message);

    // Published one after another: this is the order the receiver must see.
    const published = [];
    for (let i = 0; i < EVENTS; i += 1) {
      published.push(await publishEvent(ctx.org.id, "credential.claimed", example, { endpointId: created.data.id }));
    }
    const order = new Map(published.map((p, i) => [p.id, i]));

    // Kill both without warning part-way (the one sending the queue head included), then start two again.
    await vi.waitFor(() => expect(receiver.seen.filter((s) => s.status === 200).length).toBeGreaterThanOrEqual(EVENTS / 3), {
      timeout: 15_000,
      interval: 10,
    });
    const killed = workers.map((w) => new Promise((r) => w.once("exit", r)));
    for (const w of workers) w.kill("SIGKILL");
    await Promise.all(killed);
    const beforeKill = receiver.seen.length;
    await startWorkers();
    await waitForDeliveries(
      published.map((p) => p.deliveryIds[0]!),
      20_000,
    );

    const sequence = receiver.seen.map((s) => ({ index: order.get(s.eventId)!, status: s.status }));
    console.log(
      `ordered: ${EVENTS} events, ${sequence.length} requests (${sequence.filter((s) => s.status === 500).length} answered 500), ` +
        `${beforeKill} before the kill, max ${receiver.maxInFlight()} at once`,
    );
    // One at a time, and never an event before the one published ahead of it.
    expect(receiver.maxInFlight()).toBe(1);
    for (let i = 1; i < sequence.length; i += 1) expect(sequence[i]!.index, `request ${i}`).toBeGreaterThanOrEqual(sequence[i - 1]!.index);
    // Every event succeeded; after its success nothing more of it, except one that was in flight at the kill and
    // whose success was not recorded (sent again, at-least-once: the same webhook-id).
    let twice = 0;
    for (let index = 0; index < EVENTS; index += 1) {
      const mine = sequence.filter((s) => s.index === index);
      const firstSuccess = mine.findIndex((s) => s.status === 200);
      expect(firstSuccess, `event ${index} succeeded`).toBeGreaterThanOrEqual(0);
      const after = mine.slice(firstSuccess + 1);
      expect(after.every((s) => s.status === 200), `event ${index}: no failure after its success`).toBe(true);
      twice += after.length;
    }
    expect(twice).toBeLessThanOrEqual(1);
  }, 60_000);
});
