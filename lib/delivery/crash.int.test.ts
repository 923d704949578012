import { type ChildProcess, spawn } from "node:child_process";
import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
});

const { createEndpointSchema } = await import("@/app/(portal)/webhooks/schemas");
const { closeDb, getDb } = await import("@/db");
const { deliveries, deliveryAttempts } = await import("@/db/schema");
const { sessionContextFor } = await import("@/testing/session");
const { runAction } = await import("@/lib/action");
const { env } = await import("@/lib/env");
const { startReceiver } = await import("@/testing/https-receiver");
const { EVENT_CATALOG } = await import("@/lib/events/catalog");
const { createEndpoint } = await import("@/lib/endpoints/operations");
const { publishEvent } = await import("./publish");

const EVENTS = 40;

/** A worker process: the embedded engine with a short lease, so a killed worker's runs are taken over quickly. */
function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/delivery-worker.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: env.databaseUrl,
      WEBHOOK_ALLOW_PRIVATE_TARGETS: "1",
      DELIVERY_LEASE_MS: "1500",
      DELIVERY_POLL_MS: "50",
      LOG_LEVEL: "warn",
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

// PGlite lives inside one process, so a second (worker) process needs PostgreSQL; CI always runs with it.
describe.skipIf(!process.env.DATABASE_URL)("a worker killed mid-run (SIGKILL), then restarted", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    receiver = await startReceiver({ fallback: { kind: "status", status: 200, body: "ok", delayMs: 150 } });
  });

  afterAll(async () => {
    for (const w of workers) w.kill("SIGKILL");
    await receiver.close();
    await closeDb();
  });

  it("loses nothing and never re-sends an attempt that was recorded as succeeded", async () => {
    const db = await getDb();
    const ctx = await sessionContextFor("partner@example.com");
    const created = await runAction(ctx, createEndpointSchema, createEndpoint, { url: `${receiver.url}/crash` });
    if (!created.ok) throw new Error(created.error.message);
    const endpointId = created.data.id;

    const first = await startWorker();
    workers.push(first);
    const example = EVENT_CATALOG.find((e) => e.type === "credential.claimed")!.example;
    const published = [];
    for (let i = 0; i < EVENTS; i += 1) published.push(await publishEvent(ctx.org.id, "credential.claimed", example, { endpointId }));
    const deliveryIds = published.map((p) => p.deliveryIds[0]!);

    // Kill without warning once some attempts are recorded and others are in flight.
    await vi.waitFor(
      async () => {
        const rows = await db.select({ id: deliveryAttempts.id }).from(deliveryAttempts).where(inArray(deliveryAttempts.deliveryId, deliveryIds));
        expect(rows.length).toBeGreaterThanOrEqual(10);
      },
      { timeout: 20_000, interval: 20 },
    );
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const succeededBeforeKill = await db
      .select({ deliveryId: deliveryAttempts.deliveryId })
      .from(deliveryAttempts)
      .where(inArray(deliveryAttempts.deliveryId, deliveryIds));
    expect(succeededBeforeKill.length).toBeGreaterThan(0);
    expect(succeededBeforeKill.length).toBeLessThan(EVENTS);

    workers.push(await startWorker());
    await vi.waitFor(
      async () => {
        const rows = await db.select({ status: deliveries.status }).from(deliveries).where(inArray(deliveries.id, deliveryIds));
        expect(rows.filter((r) => r.status === "succeeded")).toHaveLength(EVENTS);
      },
      { timeout: 30_000, interval: 200 },
    );

    // Every event arrived; only requests in flight at the kill may have arrived twice (same webhook-id).
    const seen = new Map<string, number>();
    for (const r of receiver.requests) seen.set(r.headers["webhook-id"]!, (seen.get(r.headers["webhook-id"]!) ?? 0) + 1);
    for (const p of published) expect(seen.get(p.id), p.id).toBeGreaterThanOrEqual(1);
    const eventOf = new Map(published.map((p) => [p.deliveryIds[0]!, p.id]));
    for (const { deliveryId } of succeededBeforeKill) expect(seen.get(eventOf.get(deliveryId)!)).toBe(1);
    const duplicates = [...seen.values()].filter((n) => n > 1).length;
    expect(duplicates).toBeLessThanOrEqual(env.delivery.concurrencyPerEndpoint);

    // Exactly one attempt row per delivery, all succeeded: no attempt is missing or recorded twice.
    const attempts = await db.select().from(deliveryAttempts).where(inArray(deliveryAttempts.deliveryId, deliveryIds));
    expect(attempts).toHaveLength(EVENTS);
    expect(attempts.every((a) => a.succeeded)).toBe(true);
    console.log(`crash test: ${EVENTS} events, ${receiver.requests.length} requests, ${duplicates} delivered twice (in flight at the kill)`);
  }, 90_000);
});
