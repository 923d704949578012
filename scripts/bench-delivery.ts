/**
 * `npm run bench:delivery`: Herald's embedded engine on PostgreSQL against a bare `fetch` loop, in one run.
 *
 * 1. Throughput: publish EVENTS events (default 10,000) spread over ENDPOINTS endpoints (default 10) on a local
 *    HTTPS receiver (its own process), and time until the receiver has every one; then send the same payloads with
 *    a bare fetch loop at the same concurrency. Prints deliveries/s for both and their ratio.
 * 2. Latency: publish at each of RATES events/s (default 100 and 500) for LATENCY_SECONDS (default 10) and measure
 *    publish-to-receipt (p99 targets: 50 ms at 100/s, 150 ms at 500/s).
 * 3. Fan-out: FANOUT more endpoints (default 1,000), then one event to all of them: time until every one has it (<= 2 s).
 * 4. Backlog: BACKLOG deliveries (default 200,000) published with the engine stopped, then drained from a standing
 *    start: the rate against the throughput run's (>= 90%) and the RSS of the last fifth against the first (flat).
 * 5. Peak RSS of this process (the app side; the receiver is elsewhere; <= 300 MB).
 * Needs DATABASE_URL (a server on which it may create and drop a database). The npm script first creates the test
 * CA and starts this with NODE_EXTRA_CA_CERTS pointing at it, as a deployment trusts a private CA.
 */
import os from "node:os";
import { createBenchDatabase } from "./bench-database";
import { percentile, startReceiverProcess, waitForCount, waitForCountOnly } from "./bench-receiver-client";

const EVENTS = Number(process.env.EVENTS ?? 10_000);
const ENDPOINTS = Number(process.env.ENDPOINTS ?? 10);
/** Steady publish rates for the latency runs, and the p99 targets at 100 and 500 events/s. */
const RATES = (process.env.RATES ?? process.env.RATE ?? "100,500").split(",").map(Number);
const LATENCY_TARGETS: Record<number, number> = { 100: 50, 500: 150 };
/** Extra endpoints one event fans out to (0: skip), and the backlog drained from a standing start (0: skip). */
const FANOUT = Number(process.env.FANOUT ?? 1_000);
const BACKLOG = Number(process.env.BACKLOG ?? 200_000);
const LATENCY_SECONDS = Number(process.env.LATENCY_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.DELIVERY_CONCURRENCY ?? 64);

async function main() {
  const database = await createBenchDatabase("herald_bench", {
    WEBHOOK_ALLOW_PRIVATE_TARGETS: "1",
    DELIVERY_WORKER: "1",
    DELIVERY_CONCURRENCY: String(CONCURRENCY),
    DELIVERY_POLL_MS: "50",
  });

  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const receiver = await startReceiverProcess();
  try {
    const { closeDb } = await import("../db");
    const { prepareDatabase } = await import("../lib/startup");
    const { sessionContextFor } = await import("../testing/session");
    const { runAction } = await import("../lib/action");
    const { createEndpointSchema } = await import("../app/(portal)/webhooks/schemas");
    const { createEndpoint } = await import("../lib/endpoints/operations");
    const { publishEvent } = await import("../lib/delivery/publish");
    const { eventEnvelope } = await import("../lib/delivery/attempt");
    const { EVENT_CATALOG } = await import("../lib/events/catalog");
    const { startDeliveryEngine, stopDeliveryEngine } = await import("../lib/startup/engine");

    await prepareDatabase();
    const ctx = await sessionContextFor("partner@example.com");
    const endpointIds: string[] = [];
    for (let i = 0; i < ENDPOINTS; i += 1) {
      const r = await runAction(ctx, createEndpointSchema, createEndpoint, {
        url: `${receiver.url}/endpoint-${i}`,
        headers: [{ name: "X-API-Key", value: `bench-key-${i}` }],
      });
      if (!r.ok) throw new Error(r.error.message);
      endpointIds.push(r.data.id);
    }
    const example = EVENT_CATALOG.find((e) => e.type === "credential.issued")!.example;
    if (!process.env.BENCH_PREPUBLISH) await startDeliveryEngine();

    // --- Throughput: Herald ---------------------------------------------------------------------------------
    await receiver.ask("reset");
    const heraldStart = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < EVENTS) {
          const i = next++;
          await publishEvent(ctx.org.id, "credential.issued", example, { endpointId: endpointIds[i % ENDPOINTS] });
        }
      }),
    );
    const publishedMs = performance.now() - heraldStart;
    if (process.env.BENCH_PREPUBLISH) {
      const drainStart = performance.now();
      await startDeliveryEngine();
      await waitForCount(receiver.ask, EVENTS, 600_000);
      console.log(`engine alone drained ${EVENTS} in ${((performance.now() - drainStart) / 1000).toFixed(1)} s; publish alone ${(publishedMs / 1000).toFixed(1)} s`);
    }
    await waitForCount(receiver.ask, EVENTS, 600_000);
    const heraldMs = performance.now() - heraldStart;

    // --- Throughput: bare fetch loop, same payloads, same concurrency ------------------------------------------
    await receiver.ask("reset");
    const body = eventEnvelope({ id: "evt_bare", type: "credential.issued", createdAt: new Date(), data: example });
    const bareStart = performance.now();
    let sent = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (sent < EVENTS) {
          const i = sent++;
          const res = await fetch(`${receiver.url}/endpoint-${i % ENDPOINTS}`, {
            method: "POST",
            headers: { "content-type": "application/json", "webhook-id": `evt_bare_${i}` },
            body,
          });
          await res.arrayBuffer();
        }
      }),
    );
    const bareMs = performance.now() - bareStart;

    // --- Latency at steady rates ------------------------------------------------------------------------------
    const latencyAt = async (rate: number) => {
      await receiver.ask("reset");
      const publishedAt = new Map<string, number>();
      const total = rate * LATENCY_SECONDS;
      const latencyStart = Date.now();
      const pending: Promise<unknown>[] = [];
      for (let i = 0; i < total; i += 1) {
        const due = latencyStart + (i * 1000) / rate;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const t0 = Date.now();
        pending.push(
          publishEvent(ctx.org.id, "credential.issued", example, { endpointId: endpointIds[i % ENDPOINTS] }).then((p) =>
            publishedAt.set(p.id, t0),
          ),
        );
      }
      await Promise.all(pending);
      const received = await waitForCount(receiver.ask, total, 120_000);
      return received.map(([id, at]) => at - (publishedAt.get(id) ?? at)).sort((a, b) => a - b);
    };
    const latencies = new Map<number, number[]>();
    for (const rate of RATES) latencies.set(rate, await latencyAt(rate));

    // --- Fan-out: one event to FANOUT more endpoints (and the ENDPOINTS above) ---------------------------------
    let fanoutMs = NaN;
    let fanoutEndpoints = 0;
    if (FANOUT > 0) {
      let made = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (made < FANOUT) {
            const i = made++;
            const r = await runAction(ctx, createEndpointSchema, createEndpoint, { url: `${receiver.url}/fanout-${i}` });
            if (!r.ok) throw new Error(r.error.message);
          }
        }),
      );
      fanoutEndpoints = FANOUT + ENDPOINTS;
      await receiver.ask("reset");
      const t0 = performance.now();
      await publishEvent(ctx.org.id, "credential.issued", example);
      await waitForCountOnly(receiver.ask, fanoutEndpoints, 120_000, undefined, 10);
      fanoutMs = performance.now() - t0;
    }

    // --- Backlog: BACKLOG deliveries published with the engine stopped, then drained -----------------------------
    let backlogRate = NaN;
    let rssEarly = 0;
    let rssLate = 0;
    if (BACKLOG > 0) {
      await stopDeliveryEngine();
      await receiver.ask("reset");
      let queued = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (queued < BACKLOG) {
            const i = queued++;
            await publishEvent(ctx.org.id, "credential.issued", example, { endpointId: endpointIds[i % ENDPOINTS] });
          }
        }),
      );
      global.gc?.();
      const drainStart = performance.now();
      await startDeliveryEngine();
      await waitForCountOnly(receiver.ask, BACKLOG, 1_800_000, (count) => {
        const rss = process.memoryUsage().rss;
        // Memory while the first and the last fifth of the backlog drain: flat means the late figure is no higher.
        if (count > BACKLOG * 0.1 && count <= BACKLOG * 0.2) rssEarly = Math.max(rssEarly, rss);
        if (count > BACKLOG * 0.8) rssLate = Math.max(rssLate, rss);
      }, 200);
      backlogRate = BACKLOG / ((performance.now() - drainStart) / 1000);
    }

    await stopDeliveryEngine();
    await closeDb();
    clearInterval(sampler);

    const heraldRate = EVENTS / (heraldMs / 1000);
    const bareRate = EVENTS / (bareMs / 1000);
    const ratio = heraldRate / bareRate;
    const rssMb = peakRss / 1024 / 1024;
    const mb = (bytes: number) => bytes / 1024 / 1024;
    const rows: [string, string, string, string][] = [
      ["Herald deliveries/s (embedded engine, PostgreSQL)", heraldRate.toFixed(0), "", ""],
      ["Bare fetch loop deliveries/s (same payloads, concurrency)", bareRate.toFixed(0), "", ""],
      ["Herald / bare", `${(ratio * 100).toFixed(0)}%`, ">= 80%", ratio >= 0.8 ? "pass" : "FAIL"],
    ];
    for (const [rate, sorted] of latencies) {
      const target = LATENCY_TARGETS[rate];
      const p99 = percentile(sorted, 99);
      rows.push([`Publish-to-receipt p50 at ${rate} events/s`, `${percentile(sorted, 50)} ms`, "", ""]);
      rows.push([`Publish-to-receipt p99 at ${rate} events/s`, `${p99} ms`, target ? `<= ${target} ms` : "", target ? (p99 <= target ? "pass" : "FAIL") : ""]);
    }
    if (FANOUT > 0) {
      rows.push([`One event fanned out to ${fanoutEndpoints} endpoints, all received`, `${fanoutMs.toFixed(0)} ms`, "<= 2000 ms", fanoutMs <= 2000 ? "pass" : "FAIL"]);
    }
    if (BACKLOG > 0) {
      const share = backlogRate / heraldRate;
      rows.push([`Backlog of ${BACKLOG} deliveries drained, deliveries/s (vs the throughput run)`, `${backlogRate.toFixed(0)} (${(share * 100).toFixed(0)}%)`, ">= 90%", share >= 0.9 ? "pass" : "FAIL"]);
      rows.push([
        "RSS while the backlog's last fifth drains (first fifth)",
        `${mb(rssLate).toFixed(0)} MB (${mb(rssEarly).toFixed(0)} MB)`,
        "<= first + 10%",
        rssLate <= rssEarly * 1.1 ? "pass" : "FAIL",
      ]);
    }
    rows.push(["Peak RSS (app process)", `${rssMb.toFixed(0)} MB`, "<= 300 MB", rssMb <= 300 ? "pass" : "FAIL"]);
    console.log(`\nbench:delivery: ${EVENTS} events over ${ENDPOINTS} endpoints, concurrency ${CONCURRENCY}; ${os.cpus().length} CPUs, Node ${process.version}`);
    console.log(`(publishing the ${EVENTS} events took ${(publishedMs / 1000).toFixed(1)} s of the ${(heraldMs / 1000).toFixed(1)} s)\n`);
    console.log("| Measure | Value | Target | Result |\n|---|---|---|---|");
    for (const r of rows) console.log(`| ${r.join(" | ")} |`);
    process.exitCode = rows.some((r) => r[3] === "FAIL") ? 1 : 0;
  } finally {
    clearInterval(sampler);
    receiver.child.send({ type: "close" });
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
