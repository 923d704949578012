/**
 * The five systems of `npm run bench:peers`, each set up the way its documentation advises for throughput, with
 * CONCURRENCY deliveries in flight and a PostgreSQL pool of POOL connections. Imported by child.ts after the
 * environment of its fresh database is set.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Pool } from "pg";
import { createPeerEndpoints, deliverPeerJob, publishPeerEvent, type PeerJob } from "./peer-work";

export interface SystemOptions {
  receiverUrl: string;
  events: number;
  endpoints: number;
  concurrency: number;
  pool: number;
  databaseUrl: string;
}

export interface SystemRun {
  /** Sent to the parent with "ready": Herald's API address and key, the event to publish. */
  info: Record<string, unknown>;
  publish: () => Promise<void>;
  stop: () => Promise<void>;
}

/** The producer's concurrency for every system (as many publish requests in flight as the API bench uses). */
export const PUBLISHERS = 16;
const EVENT_TYPE = "credential.issued";

async function exampleData(): Promise<Record<string, unknown>> {
  const { EVENT_CATALOG } = await import("@/lib/events/catalog");
  return EVENT_CATALOG.find((e) => e.type === EVENT_TYPE)!.example as Record<string, unknown>;
}

async function inParallel(count: number, total: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: count }, async () => {
      while (next < total) await work(next++);
    }),
  );
}

export async function startSystem(name: string, options: SystemOptions): Promise<SystemRun> {
  switch (name) {
    case "herald":
    case "herald-batch":
      return startHerald(options);
    case "graphile-worker":
      return startGraphileWorker(options);
    case "pg-boss":
      return startPgBoss(options);
    case "bullmq":
      return startBullMq(options);
    case "bare":
      return startBare(options);
    default:
      throw new Error(`unknown system ${name}`);
  }
}

/**
 * Herald as a user runs it: endpoints created through the same action as the portal's form, an API key, the
 * delivery engine started, and the public API's route handlers served over HTTP (node:http in front of the very
 * handlers Next.js calls: the route code, API-key check, rate limit, zod and publish are Herald's; Next's router
 * is not in the measurement).
 */
async function startHerald(options: SystemOptions): Promise<SystemRun> {
  const { prepareDatabase } = await import("@/lib/startup");
  const { sessionContextFor } = await import("@/testing/session");
  const { runAction } = await import("@/lib/action");
  const { createEndpointSchema } = await import("@/app/(portal)/webhooks/schemas");
  const { createEndpoint } = await import("@/lib/endpoints/operations");
  const { createApiKey } = await import("@/lib/api-keys");
  const { startDeliveryEngine, stopDeliveryEngine } = await import("@/lib/startup/engine");
  const { closeDb } = await import("@/db");
  const single = await import("@/app/api/v1/events/route");
  const batch = await import("@/app/api/v1/events/batch/route");
  const routes: Record<string, (request: Request) => Promise<Response>> = {
    "/api/v1/events": (request) => single.POST(request, { params: Promise.resolve({}) }),
    "/api/v1/events/batch": (request) => batch.POST(request, { params: Promise.resolve({}) }),
  };

  await prepareDatabase();
  const ctx = await sessionContextFor("partner@example.com");
  for (let i = 0; i < options.endpoints; i += 1) {
    const r = await runAction(ctx, createEndpointSchema, createEndpoint, {
      url: `${options.receiverUrl}/endpoint-${i}`,
      headers: [{ name: "X-API-Key", value: `bench-key-${i}` }],
    });
    if (!r.ok) throw new Error(r.error.message);
  }
  const { key } = await createApiKey({ name: "bench" }, ctx);
  await startDeliveryEngine();

  const server: Server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const handler = routes[req.url ?? ""];
      if (!handler || req.method !== "POST") {
        res.writeHead(404).end();
        return;
      }
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const response = await handler(new Request(`http://127.0.0.1${req.url}`, { method: "POST", headers, body: Buffer.concat(chunks) }));
      res.writeHead(response.status, { "content-type": response.headers.get("content-type") ?? "application/json" });
      res.end(Buffer.from(await response.arrayBuffer()));
    })().catch((error: unknown) => {
      console.error(error);
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    info: { apiUrl: `http://127.0.0.1:${port}`, apiKey: key, eventType: EVENT_TYPE, data: await exampleData() },
    publish: async () => {
      throw new Error("Herald is published to by the parent, over HTTP");
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await stopDeliveryEngine();
      await closeDb();
    },
  };
}

async function peerPool(options: SystemOptions): Promise<Pool> {
  const { Pool } = await import("pg");
  const pool = new Pool({ connectionString: options.databaseUrl, max: options.pool });
  pool.on("error", (error) => console.error("pg pool:", error));
  pool.on("connect", (client) => client.on("error", (error) => console.error("pg client:", error)));
  await createPeerEndpoints(pool, options.receiverUrl, options.endpoints);
  return pool;
}

/** Publishes EVENTS events from PUBLISHERS producers; `enqueue` adds one job per delivery, in bulk per event. */
async function publishPeers(pool: Pool, options: SystemOptions, enqueue: (jobs: PeerJob[]) => Promise<unknown>) {
  const data = await exampleData();
  await inParallel(PUBLISHERS, options.events, async () => {
    await enqueue(await publishPeerEvent(pool, EVENT_TYPE, data));
  });
}

/**
 * graphile-worker 0.17 with its performance page's advice: a local queue of concurrency + 1 jobs fetched at once,
 * batched completions (completeJobBatchDelay / failJobBatchDelay 0), LISTEN/NOTIFY for new jobs, addJobs for bulk
 * enqueue; the worker and the app share one pool. Retries: maxAttempts, graphile-worker's exponential backoff.
 */
async function startGraphileWorker(options: SystemOptions): Promise<SystemRun> {
  const pool = await peerPool(options);
  const { run, makeWorkerUtils, Logger } = await import("graphile-worker");
  const quiet = new Logger(() => () => undefined);
  const runner = await run({
    pgPool: pool,
    concurrency: options.concurrency,
    noHandleSignals: true,
    logger: quiet,
    taskList: {
      deliver: async (payload, helpers) => deliverPeerJob(pool, payload as PeerJob, helpers.job.attempts),
    },
    preset: { worker: { localQueue: { size: options.concurrency + 1 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
  });
  const utils = await makeWorkerUtils({ pgPool: pool, logger: quiet });
  return {
    info: {},
    publish: () =>
      publishPeers(pool, options, (jobs) => utils.addJobs(jobs.map((payload) => ({ identifier: "deliver", payload, maxAttempts: 6 })))),
    stop: async () => {
      await runner.stop();
      await utils.release();
      await pool.end();
    },
  };
}

/** A counting semaphore: at most `limit` holders at once. */
function semaphore(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else active += 1;
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

/**
 * pg-boss 10 as its docs advise for throughput: batched fetches (work() with batchSize) at the shortest polling
 * interval (0.5 s), several workers so one batch's slowest request does not stall the next fetch, bulk insert;
 * CONCURRENCY requests in flight across them. pg-boss uses the app's pool (its `db` option). A failed attempt is
 * failed by id (boss.fail) so the rest of its batch completes; retryLimit with retryBackoff.
 */
async function startPgBoss(options: SystemOptions): Promise<SystemRun> {
  const pool = await peerPool(options);
  const { default: PgBoss } = await import("pg-boss");
  const boss = new PgBoss({ db: { executeSql: (text, values) => pool.query(text, values) }, schedule: false });
  boss.on("error", (error) => console.error("pg-boss:", error));
  await boss.start();
  const queue = "deliver";
  await boss.createQueue(queue, { name: queue, retryLimit: 5, retryDelay: 1, retryBackoff: true });
  const limit = semaphore(options.concurrency);
  const workers = 4;
  const batchSize = Math.ceil(options.concurrency / 2);
  for (let w = 0; w < workers; w += 1) {
    await boss.work<PeerJob>(queue, { batchSize, pollingIntervalSeconds: 0.5, includeMetadata: true }, async (jobs) => {
      const failed: string[] = [];
      await Promise.all(
        jobs.map((job) =>
          limit(async () => {
            try {
              await deliverPeerJob(pool, job.data, job.retryCount + 1);
            } catch {
              failed.push(job.id);
            }
          }),
        ),
      );
      if (failed.length > 0) await boss.fail(queue, failed);
    });
  }
  return {
    info: {},
    publish: () => publishPeers(pool, options, (jobs) => boss.insert(jobs.map((data) => ({ name: queue, data })))),
    stop: async () => {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
      await pool.end();
    },
  };
}

/**
 * BullMQ 5 on the local Redis as its docs advise: one Worker with `concurrency`, addBulk, removeOnComplete so
 * Redis does not grow, attempts with exponential backoff; the attempt rows go to PostgreSQL through the app's pool.
 */
async function startBullMq(options: SystemOptions): Promise<SystemRun> {
  const pool = await peerPool(options);
  const { Queue, Worker } = await import("bullmq");
  const connection = { host: "127.0.0.1", port: 6379, maxRetriesPerRequest: null };
  // A queue of its own per run: the Redis may be shared, and a fresh queue is this run's fresh database.
  const name = `herald-bench-${process.pid}-${Date.now().toString(36)}`;
  const queue = new Queue<PeerJob>(name, {
    connection,
    defaultJobOptions: { attempts: 6, backoff: { type: "exponential", delay: 1000 }, removeOnComplete: true, removeOnFail: 1000 },
  });
  const worker = new Worker<PeerJob>(name, async (job) => deliverPeerJob(pool, job.data, job.attemptsMade + 1), {
    connection,
    concurrency: options.concurrency,
  });
  worker.on("error", (error) => console.error("bullmq:", error));
  return {
    info: {},
    publish: () => publishPeers(pool, options, (jobs) => queue.addBulk(jobs.map((data) => ({ name: "deliver", data })))),
    stop: async () => {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await pool.end();
    },
  };
}

/** The physical limit: the same body POSTed EVENTS x ENDPOINTS times with fetch at CONCURRENCY, nothing stored. */
async function startBare(options: SystemOptions): Promise<SystemRun> {
  const { eventEnvelope } = await import("@/lib/delivery/attempt");
  const body = eventEnvelope({ id: "evt_bare", type: EVENT_TYPE, createdAt: new Date(), data: await exampleData() });
  const total = options.events * options.endpoints;
  return {
    info: {},
    publish: () =>
      inParallel(options.concurrency, total, async (i) => {
        const res = await fetch(`${options.receiverUrl}/endpoint-${i % options.endpoints}`, {
          method: "POST",
          headers: { "content-type": "application/json", "webhook-id": `evt_bare_${i}` },
          body,
        });
        await res.arrayBuffer();
      }),
    stop: async () => undefined,
  };
}
