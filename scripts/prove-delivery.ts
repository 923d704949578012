/**
 * `npm run prove:crash` and `npm run prove:two-apps`: Herald's delivery promise, shown on the real app.
 *
 * crash     One app (`next start` on the production build: the embedded engine starts from instrumentation.ts) on a
 *           fresh PostgreSQL database. EVENTS events (default 5,000) are published through POST /api/v1/events to
 *           ENDPOINTS endpoints (default 5) on local HTTPS receivers, each endpoint subscribed to every event, while
 *           the app is killed with SIGKILL KILLS times (default 5) at random moments and restarted.
 * two-apps  The same load split between two app processes on one database, no kills.
 *
 * Afterwards it checks, from the receivers and the database: every delivery succeeded (0 lost); each receiver saw
 * every event id, with a body whose `id` is the `webhook-id`; every repeated request was in flight at a kill (sent
 * before it, not recorded, sent again after it) and none at all with two apps; every delivery has its attempt
 * rows numbered 1..n with the last one succeeded; every workflow run completed. Prints a table and exits 1 when a
 * check fails.
 *
 * `--bounded` runs a short version (400 events, 2 kills) for `npm test`. The publisher retries through the kills with
 * an idempotency key per event, so nothing is lost or doubled on the publishing side either. Needs DATABASE_URL (a
 * database is created and dropped there) and a production build (`npm run build`). PROVE_PORT (default 3250),
 * EVENTS, ENDPOINTS, KILLS and RATE (events/s) change the run.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import type { Receiver } from "../testing/https-receiver";
import { createBenchDatabase } from "./bench-database";
import { startNextApp } from "./prove/next-app";

type Mode = "crash" | "two-apps";
const mode = process.argv[2] as Mode;
const bounded = process.argv.includes("--bounded") || process.env.PROVE_BOUNDED === "1";
if (mode !== "crash" && mode !== "two-apps") {
  console.error("usage: tsx scripts/prove-delivery.ts crash|two-apps [--bounded]");
  process.exit(2);
}

const EVENTS = Number(process.env.EVENTS ?? (bounded ? 400 : 5_000));
const ENDPOINTS = Number(process.env.ENDPOINTS ?? 5);
const KILLS = mode === "crash" ? Number(process.env.KILLS ?? (bounded ? 2 : 5)) : 0;
/** Publishing is paced so that it spans the kills instead of finishing before the first one. */
const RATE = Number(process.env.RATE ?? (bounded ? 150 : 250));
const PORT = Number(process.env.PROVE_PORT ?? 3250);
const PUBLISHERS = 16;
/** How long a killed app's claimed runs stay its own before the restarted app may take them over. */
const LEASE_MS = 3_000;
/** Receivers answer after this long, so that attempts are in flight when a kill lands. */
const RECEIVER_DELAY_MS = 15;
const DEADLINE_MS = bounded ? 180_000 : 600_000;
const LOG_DIR = path.join(".data", "prove");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const random = (min: number, max: number) => min + Math.random() * (max - min);

interface App {
  name: string;
  port: number;
  child: ChildProcess;
  exited: Promise<void>;
}

async function main() {
  if (!process.env.DATABASE_URL) {
    console.log(`prove:${mode}: skipped, it needs DATABASE_URL (PostgreSQL: several processes share the database).`);
    return;
  }
  if (!existsSync(".next/BUILD_ID")) throw new Error("No production build: run `npm run build` first.");
  mkdirSync(LOG_DIR, { recursive: true });
  const database = await createBenchDatabase(`herald_prove_${mode.replace("-", "_")}`, {
    WEBHOOK_ALLOW_PRIVATE_TARGETS: "127.0.0.1",
    DELIVERY_WORKER: "0",
    LOG_LEVEL: "warn",
  });
  const raw = postgres(database.url, { max: 2, onnotice: () => undefined });
  const apps: App[] = [];
  const receivers: Receiver[] = [];
  try {
    const { closeDb } = await import("../db");
    const { prepareDatabase } = await import("../lib/startup");
    const { sessionContextFor } = await import("../testing/session");
    const { runAction } = await import("../lib/action");
    const { createEndpointSchema } = await import("../app/(portal)/webhooks/schemas");
    const { createEndpoint } = await import("../lib/endpoints/operations");
    const { createApiKey } = await import("../lib/api-keys");
    const { EVENT_CATALOG } = await import("../lib/events/catalog");
    const { startReceiver } = await import("../testing/https-receiver");
    const { ensureTestCertificates } = await import("../testing/test-ca");

    // Migrations and the demo accounts, before any app starts.
    await prepareDatabase();
    const acme = await sessionContextFor("partner@example.com");
    const endpointIds: string[] = [];
    for (let i = 0; i < ENDPOINTS; i += 1) {
      const receiver = await startReceiver({ fallback: { kind: "status", status: 200, body: "ok", delayMs: RECEIVER_DELAY_MS } });
      receivers.push(receiver);
      const created = await runAction(acme, createEndpointSchema, createEndpoint, { url: `${receiver.url}/prove-${i}` });
      if (!created.ok) throw new Error(created.error.message);
      endpointIds.push(created.data.id);
    }
    const { key } = await createApiKey({ name: "prove" }, acme);
    await closeDb();

    const appEnv = {
      ...process.env,
      NODE_ENV: "production" as const,
      SEED_DEMO: "0",
      DELIVERY_WORKER: "1",
      DELIVERY_LEASE_MS: String(LEASE_MS),
      DELIVERY_POLL_MS: "100",
      WEBHOOK_RETRY_BASE_MS: "200",
      NODE_EXTRA_CA_CERTS: ensureTestCertificates().caCertPath,
      NEXT_TELEMETRY_DISABLED: "1",
      // The per-key limit (100/s by default) would pace the publisher instead of RATE; 429s are still honoured.
      API_RATE_LIMIT_PER_SECOND: process.env.API_RATE_LIMIT_PER_SECOND ?? "1000",
    };
    const startApp = async (name: string, port: number): Promise<App> => {
      const child = await startNextApp({ port, env: appEnv, logFile: path.join(LOG_DIR, `${mode}-${name}.log`), portVariable: "PROVE_PORT" });
      const exited = child.exitCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once("exit", () => resolve()));
      return { name, port, child, exited };
    };

    const ports = mode === "two-apps" ? [PORT, PORT + 1] : [PORT];
    const bootTimes: number[] = [];
    for (const [i, port] of ports.entries()) {
      const t0 = performance.now();
      apps.push(await startApp(`app${i + 1}`, port));
      bootTimes.push(performance.now() - t0);
    }

    // --- Publisher: paced, PUBLISHERS at a time, each event retried until the API answers 202 or 200 ------------
    const example = EVENT_CATALOG.find((e) => e.type === "credential.issued")!.example;
    const eventIds = new Array<string>(EVENTS);
    let publishRetries = 0;
    let alreadyStored = 0;
    let rateLimited = 0;
    const publishedBy = new Map<number, number>();
    const publishStart = Date.now();
    let next = 0;
    const publishOne = async (i: number) => {
      // Two apps: events alternate between them; a retry goes to the same app.
      const port = ports[i % ports.length]!;
      const body = JSON.stringify({ type: "credential.issued", idempotencyKey: `prove-${i}`, data: { ...example, credentialId: `CRD-PROVE-${i}` } });
      for (;;) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/api/v1/events`, {
            method: "POST",
            headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
            body,
            signal: AbortSignal.timeout(10_000),
          });
          if (res.status === 202 || res.status === 200) {
            const { id } = (await res.json()) as { id: string };
            if (eventIds[i] && eventIds[i] !== id) throw new Error(`idempotency key prove-${i} answered ${eventIds[i]} and then ${id}`);
            eventIds[i] = id;
            if (res.status === 200) alreadyStored += 1;
            publishedBy.set(port, (publishedBy.get(port) ?? 0) + 1);
            return;
          }
          if (res.status === 429) {
            // A well-behaved client: wait as told, then send the same event (same idempotency key) again.
            rateLimited += 1;
            await sleep(Number(res.headers.get("retry-after") ?? 1) * 1000);
            continue;
          }
          if (res.status < 500) throw new Error(`publishing event ${i} answered ${res.status}: ${await res.text()}`);
        } catch (error) {
          if (error instanceof Error && /answered/.test(error.message)) throw error;
        }
        publishRetries += 1;
        await sleep(100);
      }
    };
    const publishing = Promise.all(
      Array.from({ length: PUBLISHERS }, async () => {
        while (next < EVENTS) {
          const i = next++;
          const due = publishStart + (i * 1000) / RATE;
          if (due > Date.now()) await sleep(due - Date.now());
          await publishOne(i);
        }
      }),
    );
    let publishedAt = 0;
    void publishing.then(() => (publishedAt = Date.now()));

    const expected = EVENTS * ENDPOINTS;
    const succeededCount = async () => Number((await raw`select count(*) from deliveries where status = 'succeeded'`)[0]!.count);

    // --- Kills: at a random moment after each (re)start, SIGKILL the app, then start it again ------------------
    const kills: { at: number; pendingAtKill: number; receivedAtKill: number; downMs: number }[] = [];
    for (let k = 0; k < KILLS; k += 1) {
      await sleep(bounded ? random(700, 2_000) : random(3_000, 12_000));
      const app = apps[0]!;
      const at = Date.now();
      process.kill(-app.child.pid!, "SIGKILL");
      await app.exited;
      const [{ count }] = (await raw`select count(*) from deliveries where status <> 'succeeded'`) as unknown as [{ count: string }];
      const [{ events }] = (await raw`select count(*) as events from events`) as unknown as [{ events: string }];
      const pendingAtKill = Number(count) + (EVENTS - Number(events)) * ENDPOINTS;
      const receivedAtKill = receivers.reduce((n, r) => n + r.requests.filter((q) => q.receivedAt <= at).length, 0);
      const t0 = performance.now();
      apps[0] = await startApp(app.name, app.port);
      bootTimes.push(performance.now() - t0);
      kills.push({ at, pendingAtKill, receivedAtKill, downMs: Date.now() - at });
      console.log(
        `kill ${k + 1}/${KILLS}: ${receivedAtKill} requests received so far, ${pendingAtKill} deliveries not yet succeeded; app back after ${Date.now() - at} ms`,
      );
    }

    // Two apps: which processes held runs, sampled while the work goes on.
    const owners = new Map<string, number>();
    const sampleOwners = async () => {
      const rows = await raw<{ owner: string; n: string }[]>`
        select split_part(lease_owner, ':', 2) as owner, count(*) as n from workflow_runs where lease_owner is not null group by 1`;
      for (const r of rows) owners.set(r.owner, (owners.get(r.owner) ?? 0) + Number(r.n));
    };

    await publishing;
    const deadline = Date.now() + DEADLINE_MS;
    let done = 0;
    for (;;) {
      if (mode === "two-apps") await sampleOwners();
      done = await succeededCount();
      if (done >= expected) break;
      if (Date.now() > deadline) break;
      await sleep(100);
    }
    const finishedAt = Date.now();
    // Any attempt still going out would arrive now; give stragglers a moment before counting.
    await sleep(500);
    for (const app of apps) {
      process.kill(-app.child.pid!, "SIGTERM");
      await Promise.race([app.exited, sleep(10_000)]);
    }

    // --- Checks ----------------------------------------------------------------------------------------------------
    const failures: string[] = [];
    const check = (ok: boolean, message: string) => {
      if (!ok) failures.push(message);
    };
    const [{ events: storedEvents }] = (await raw`select count(*) as events from events`) as unknown as [{ events: string }];
    check(Number(storedEvents) === EVENTS, `${storedEvents} events stored for ${EVENTS} published (idempotency)`);
    check(new Set(eventIds).size === EVENTS, `the API answered ${new Set(eventIds).size} distinct ids for ${EVENTS} events`);
    const statusRows = await raw<{ status: string; n: string }[]>`select status, count(*) as n from deliveries group by status`;
    const byStatus = Object.fromEntries(statusRows.map((r) => [r.status, Number(r.n)]));
    const totalDeliveries = Object.values(byStatus).reduce((a, b) => a + b, 0);
    const lost = expected - (byStatus.succeeded ?? 0);
    check(totalDeliveries === expected, `${totalDeliveries} deliveries for ${EVENTS} events x ${ENDPOINTS} endpoints`);
    check(lost === 0, `${lost} deliveries not succeeded: ${JSON.stringify(byStatus)}`);

    const killTimes = kills.map((k) => k.at);
    let requests = 0;
    let duplicates = 0;
    let duplicatesNotAtKill = 0;
    let worstDuplicateLeadMs = 0;
    let mismatchedIds = 0;
    let missingAtReceivers = 0;
    const eventSet = new Set(eventIds);
    for (const receiver of receivers) {
      const seen = new Map<string, number[]>();
      for (const r of receiver.requests) {
        requests += 1;
        const id = r.headers["webhook-id"] ?? "";
        let bodyId: unknown;
        try {
          bodyId = (JSON.parse(r.body) as { id?: unknown }).id;
        } catch {
          bodyId = undefined;
        }
        if (bodyId !== id || !eventSet.has(id)) mismatchedIds += 1;
        seen.set(id, [...(seen.get(id) ?? []), r.receivedAt]);
      }
      for (const id of eventIds) if (!seen.has(id)) missingAtReceivers += 1;
      for (const times of seen.values()) {
        for (let j = 1; j < times.length; j += 1) {
          duplicates += 1;
          // In flight at a kill: the earlier copy arrived before a kill, this one after it.
          const kill = killTimes.find((k) => times[j - 1]! <= k + 50 && times[j]! >= k);
          if (kill === undefined) duplicatesNotAtKill += 1;
          else worstDuplicateLeadMs = Math.max(worstDuplicateLeadMs, kill - times[j - 1]!);
        }
      }
    }
    check(missingAtReceivers === 0, `${missingAtReceivers} (receiver, event) pairs never arrived`);
    check(mismatchedIds === 0, `${mismatchedIds} requests whose webhook-id is not a published event id or differs from the body's id`);
    check(duplicatesNotAtKill === 0, `${duplicatesNotAtKill} repeated requests not explained by a kill`);
    if (mode === "two-apps") check(duplicates === 0, `${duplicates} requests delivered twice by the two apps`);

    // Attempt rows: numbered 1..attempt_count without a gap, the last one succeeded.
    const [attemptCheck] = await raw<{ attempts: string; bad: string }[]>`
      with a as (
        select d.id, d.attempt_count, count(t.id) as n, max(t.attempt_number) as top,
          bool_or(t.succeeded and t.attempt_number = d.attempt_count) as last_ok
        from deliveries d left join delivery_attempts t on t.delivery_id = d.id
        group by d.id, d.attempt_count
      )
      select (select count(*) from delivery_attempts) as attempts,
        count(*) filter (where n <> attempt_count or top <> attempt_count or not coalesce(last_ok, false)) as bad
      from a`;
    const attemptRows = Number(attemptCheck!.attempts);
    check(Number(attemptCheck!.bad) === 0, `${attemptCheck!.bad} deliveries with missing or unsuccessful attempt rows`);
    const [runCheck] = await raw<{ open: string }[]>`select count(*) as open from workflow_runs where status <> 'completed'`;
    check(Number(runCheck!.open) === 0, `${runCheck!.open} workflow runs not completed`);
    if (mode === "two-apps") check(owners.size === 2, `runs were claimed by ${owners.size} app process(es), not 2`);

    const elapsed = (finishedAt - publishStart) / 1000;
    const rows: [string, string, string, string][] = [
      ["Events published through the API", String(EVENTS), "", ""],
      ["Deliveries (events x endpoints)", String(totalDeliveries), String(expected), totalDeliveries === expected ? "pass" : "FAIL"],
      ["Lost (not succeeded)", String(lost), "0", lost === 0 ? "pass" : "FAIL"],
      ["(receiver, event id) pairs never received", String(missingAtReceivers), "0", missingAtReceivers === 0 ? "pass" : "FAIL"],
      ["Requests received", String(requests), "", ""],
      [
        mode === "crash" ? "Duplicates (in flight at a kill, same webhook-id)" : "Delivered twice by the two apps",
        String(duplicates),
        mode === "crash" ? "only at a kill" : "0",
        (mode === "crash" ? duplicatesNotAtKill === 0 : duplicates === 0) ? "pass" : "FAIL",
      ],
      ["Attempt rows / deliveries with a missing attempt", `${attemptRows} / ${attemptCheck!.bad}`, "0 missing", Number(attemptCheck!.bad) === 0 ? "pass" : "FAIL"],
      ["Publish retries through kills / answered 200 (already stored) / 429s", `${publishRetries} / ${alreadyStored} / ${rateLimited}`, "", ""],
      [`Time to deliver everything`, `${elapsed.toFixed(1)} s`, "", ""],
      ["App start (next start to healthy), p50", `${(bootTimes.sort((a, b) => a - b)[Math.floor(bootTimes.length / 2)]! / 1000).toFixed(1)} s`, "", ""],
    ];
    if (mode === "crash") {
      rows.splice(1, 0, ["SIGKILLs of the app", String(kills.length), String(KILLS), kills.length === KILLS ? "pass" : "FAIL"]);
      rows.push(["Requests received before each kill", kills.map((k) => k.receivedAtKill).join(", "), "", ""]);
      rows.push(["Deliveries outstanding at each kill", kills.map((k) => k.pendingAtKill).join(", "), "", ""]);
      if (duplicates > 0) rows.push(["Longest a duplicated request preceded its kill", `${worstDuplicateLeadMs} ms`, "", ""]);
    } else {
      rows.push(["Publishes per app", ports.map((p) => publishedBy.get(p) ?? 0).join(" / "), "", ""]);
      rows.push(["Leases held per app process (sampled every 100 ms)", [...owners.values()].join(" / "), "both", owners.size === 2 ? "pass" : "FAIL"]);
    }
    console.log(
      `\nprove:${mode}${bounded ? " (bounded)" : ""}: ${EVENTS} events x ${ENDPOINTS} endpoints through POST /api/v1/events, ` +
        `${mode === "crash" ? `${KILLS} SIGKILLs of next start` : "two next start processes on one PostgreSQL"}; ` +
        `${os.cpus().length} CPUs, Node ${process.version}, published in ${((publishedAt - publishStart) / 1000).toFixed(1)} s\n`,
    );
    console.log("| Measure | Value | Target | Result |\n|---|---|---|---|");
    for (const r of rows) console.log(`| ${r.join(" | ")} |`);
    if (failures.length > 0) {
      console.log(`\nFAILED:\n- ${failures.join("\n- ")}\n(app logs in ${LOG_DIR}/)`);
      process.exitCode = 1;
    } else {
      console.log(`\nprove:${mode}: all checks passed.`);
    }
  } finally {
    for (const app of apps) {
      if (app.child.exitCode === null && app.child.signalCode === null) {
        try {
          process.kill(-app.child.pid!, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    await Promise.all(receivers.map((r) => r.close()));
    await raw.end();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
