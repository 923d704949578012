/**
 * One system of `npm run bench:peers` in its own process, on its own fresh database (scripts/bench-database.ts),
 * so that each run starts cold and its peak RSS is its own. Driven over IPC by scripts/bench-peers.ts:
 *   -> { type: "ready", apiUrl?, apiKey? }   set up (endpoints created, engine or workers started)
 *   <- { type: "publish" }                   peers and the bare loop publish EVENTS events themselves; Herald is
 *                                            published to over HTTP by the parent, as another service would
 *   -> { type: "published", ms }
 *   <- { type: "before" }                    (Herald) reads the database counters before the parent publishes
 *   <- { type: "finish" } -> { type: "finished", peakRss, before, after }   stops, drops its database, exits
 * Environment: BENCH_SYSTEM (herald | graphile-worker | pg-boss | bullmq | bare), RECEIVER_URL, EVENTS, ENDPOINTS,
 * CONCURRENCY, POOL, DATABASE_URL (the server; a database is created there).
 */
import { createBenchDatabase } from "../bench-database";
import { readCounters, type DbCounters } from "./counters";
import type { SystemRun } from "./systems";

const SYSTEM = process.env.BENCH_SYSTEM ?? "";
const RECEIVER_URL = process.env.RECEIVER_URL ?? "";
const EVENTS = Number(process.env.EVENTS ?? 10_000);
const ENDPOINTS = Number(process.env.ENDPOINTS ?? 10);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 64);
const POOL = Number(process.env.POOL ?? 20);

async function main() {
  const database = await createBenchDatabase(`bench_${SYSTEM.replace(/\W/g, "_")}`, {
    WEBHOOK_ALLOW_PRIVATE_TARGETS: "1",
    DELIVERY_WORKER: "1",
    DELIVERY_CONCURRENCY: String(CONCURRENCY),
    // One tenant here: its share of the engine (3/4 by default, for fairness between tenants) would idle a quarter.
    DELIVERY_CONCURRENCY_PER_ORGANIZATION: String(CONCURRENCY),
    DELIVERY_POLL_MS: "50",
    DATABASE_POOL_MAX: String(POOL),
    API_RATE_LIMIT_PER_SECOND: process.env.API_RATE_LIMIT_PER_SECOND ?? "0",
  });
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
  const { startSystem } = await import("./systems");
  const options = { receiverUrl: RECEIVER_URL, events: EVENTS, endpoints: ENDPOINTS, concurrency: CONCURRENCY, pool: POOL, databaseUrl: database.url };
  let run: SystemRun;
  try {
    run = await startSystem(SYSTEM, options);
  } catch (error) {
    await database.drop();
    throw error;
  }
  let before: DbCounters | undefined;
  process.on("message", (message: { type: string }) => {
    void (async () => {
      try {
        if (message.type === "publish") {
          before = await readCounters(database.url);
          const started = performance.now();
          await run.publish();
          process.send?.({ type: "published", ms: performance.now() - started });
        } else if (message.type === "before") {
          before = await readCounters(database.url);
          process.send?.({ type: "before" });
        } else if (message.type === "finish") {
          // Stopped first: a backend flushes its table statistics when it exits, so none are missing from "after".
          clearInterval(sampler);
          await run.stop();
          const after = await readCounters(database.url);
          process.send?.({ type: "finished", peakRss, before, after });
          await database.drop();
          process.exit(0);
        }
      } catch (error) {
        console.error(error);
        await database.drop();
        process.exit(1);
      }
    })();
  });
  process.send?.({ type: "ready", ...run.info });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
