/**
 * prove:stall: one tenant's stuck receivers cannot stall another tenant's deliveries, over HTTP against `next start`.
 *
 * On a fresh database, the production build runs with its embedded engine (64 slots; one organization may hold 48).
 * Acme has 8 endpoints on receivers that accept the request and never answer (timeout 30 s), one that answers
 * `101 Switching Protocols` and then nothing, and one that sends `103 Early Hints` for ever. Acme publishes through
 * the API until its stuck deliveries hold every slot it may have. Then Globex publishes through its own key, one event
 * at a time, and the script measures publish-to-receipt at Globex's receiver, while `GET /api/health` is timed every
 * 100 ms. It checks: Globex's every event arrives within the limit; Acme holds no more than its share; the 101 and 103
 * receivers' attempts settle as failures in seconds (not the 30 s timeout, not never); health answers 200 throughout.
 *
 * `STALL_SHARE=64` runs the same with the per-organization share off, to see the check fail as it did before the share.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { createBenchDatabase } from "./bench-database";
import { killNextApp, startNextApp } from "./prove/next-app";

const bounded = process.argv.includes("--bounded");
const PORT = Number(process.env.PROVE_STALL_PORT ?? 3285);
const STUCK_ENDPOINTS = 8;
const ACME_EVENTS = Number(process.env.ACME_EVENTS ?? (bounded ? 40 : 80));
const GLOBEX_EVENTS = Number(process.env.GLOBEX_EVENTS ?? (bounded ? 10 : 40));
const CONCURRENCY = 64;
const SHARE = Number(process.env.STALL_SHARE ?? 48);
/** Publish-to-receipt at Globex's receiver, each event (a stalled engine would make it the stuck requests' 30 s). */
const GLOBEX_LIMIT_MS = 3_000;
const HEALTH_LIMIT_MS = 1_000;
const LOG_DIR = path.join(".data", "prove");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

async function main() {
  if (!process.env.DATABASE_URL) {
    console.log("prove:stall: skipped, it needs DATABASE_URL.");
    return;
  }
  if (!existsSync(".next/BUILD_ID")) throw new Error("No production build: run `npm run build` first.");
  mkdirSync(LOG_DIR, { recursive: true });
  const database = await createBenchDatabase("herald_prove_stall", { WEBHOOK_ALLOW_PRIVATE_TARGETS: "127.0.0.1", DELIVERY_WORKER: "0", LOG_LEVEL: "warn" });
  const raw = postgres(database.url, { max: 2, onnotice: () => undefined });
  let app: ChildProcess | undefined;
  const receivers: { close(): Promise<void> }[] = [];
  const failures: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) failures.push(what);
  };
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

    await prepareDatabase();
    const acme = await sessionContextFor("partner@example.com");
    await raw`update organizations set plan = 'enterprise' where id = (select m.organization_id from memberships m join users u on u.id = m.user_id where u.email = 'other@example.com')`;
    const globex = await sessionContextFor("other@example.com");
    const endpoint = async (ctx: typeof acme, url: string, eventTypes: string[]) => {
      const created = await runAction(ctx, createEndpointSchema, createEndpoint, { url, maxRetries: 0, eventTypes });
      if (!created.ok) throw new Error(created.error.message);
      return created.data.id;
    };
    // Acme's stuck receivers get credential.issued; its 101 and 103 receivers get credential.revoked, so their own
    // deliveries are not queued behind the stuck ones.
    const stuck = await startReceiver({ fallback: { kind: "hang" } });
    const switching = await startReceiver({ fallback: { kind: "switching-protocols" } });
    const informational = await startReceiver({ fallback: { kind: "endless-informational", intervalMs: 10 } });
    const healthy = await startReceiver({ fallback: { kind: "status", status: 200, body: "ok" } });
    receivers.push(stuck, switching, informational, healthy);
    for (let i = 0; i < STUCK_ENDPOINTS; i += 1) await endpoint(acme, `${stuck.url}/stuck-${i}`, ["credential.issued"]);
    const switchingId = await endpoint(acme, `${switching.url}/switching`, ["credential.revoked"]);
    const informationalId = await endpoint(acme, `${informational.url}/informational`, ["credential.revoked"]);
    await endpoint(globex, `${healthy.url}/globex`, ["credential.issued"]);
    const acmeKey = (await createApiKey({ name: "prove-stall" }, acme)).key;
    const globexKey = (await createApiKey({ name: "prove-stall" }, globex)).key;
    await closeDb();

    app = await startNextApp({
      port: PORT,
      portVariable: "PROVE_STALL_PORT",
      logFile: path.join(LOG_DIR, "stall-app.log"),
      env: {
        ...process.env,
        NODE_ENV: "production",
        SEED_DEMO: "0",
        DELIVERY_WORKER: "1",
        DELIVERY_CONCURRENCY: String(CONCURRENCY),
        DELIVERY_CONCURRENCY_PER_ORGANIZATION: String(SHARE),
        DELIVERY_POLL_MS: "100",
        NODE_EXTRA_CA_CERTS: ensureTestCertificates().caCertPath,
        NEXT_TELEMETRY_DISABLED: "1",
        API_RATE_LIMIT_PER_SECOND: "1000",
      },
    });

    const example = EVENT_CATALOG.find((e) => e.type === "credential.issued")!.example;
    const revokedExample = EVENT_CATALOG.find((e) => e.type === "credential.revoked")!.example;
    const publish = async (key: string, type: string, data: unknown) => {
      const res = await fetch(`http://127.0.0.1:${PORT}/api/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ type, data }),
      });
      if (res.status !== 202) throw new Error(`publishing ${type} answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    };

    // Health every 100 ms from here on.
    const health: number[] = [];
    let healthBad = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const t0 = performance.now();
        const ok = await fetch(`http://127.0.0.1:${PORT}/api/health`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.ok, () => false);
        health.push(performance.now() - t0);
        if (!ok) healthBad += 1;
        await sleep(100);
      }
    })();

    // Acme: the 101 and 103 receivers, then enough stuck deliveries to take every slot it may have.
    await publish(acmeKey, "credential.revoked", revokedExample);
    const acmeStart = Date.now();
    for (let i = 0; i < ACME_EVENTS; i += 1) await publish(acmeKey, "credential.issued", { ...example, credentialId: `CRD-STALL-${i}` });
    const inFlight = async () =>
      Number(
        (
          await raw<{ n: number }[]>`
            select count(*)::int as n from workflow_runs r
            where r.lease_owner is not null and r.lease_expires_at > now() and r.group_key = ${acme.org.id}`
        )[0]!.n,
      );
    const wanted = Math.min(SHARE, ACME_EVENTS * STUCK_ENDPOINTS);
    let acmeHeld = 0;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(100)) {
      acmeHeld = Math.max(acmeHeld, await inFlight());
      if (acmeHeld >= wanted - 2) break;
    }
    const saturatedAfter = Date.now() - acmeStart;
    check(acmeHeld >= wanted - 2, `Acme's stuck deliveries reached only ${acmeHeld} runs in flight (wanted about ${wanted}): the proof did not saturate`);

    // Globex: one event at a time, publish-to-receipt at its receiver.
    const globexMs: number[] = [];
    for (let i = 0; i < GLOBEX_EVENTS; i += 1) {
      const t0 = Date.now();
      const id = await publish(globexKey, "credential.issued", { ...example, credentialId: `CRD-GLOBEX-${i}` });
      const deadline = Date.now() + 20_000;
      while (!healthy.requests.some((r) => r.headers["webhook-id"] === id) && Date.now() < deadline) await sleep(5);
      const arrived = healthy.requests.find((r) => r.headers["webhook-id"] === id);
      globexMs.push(arrived ? arrived.receivedAt - t0 : Number.POSITIVE_INFINITY);
      acmeHeld = Math.max(acmeHeld, await inFlight());
      if (!arrived) break; // stalled: the rest would wait the same
    }
    const stuckConnections = stuck.requests.length;

    // The 101 and 103 receivers' deliveries: failed attempts recorded, in seconds.
    const settled = async (endpointId: string) =>
      raw<{ status: string; error: string | null; ms: number | null }[]>`
        select d.status, a.error_message as error, a.duration_ms as ms from deliveries d
        left join delivery_attempts a on a.delivery_id = d.id where d.endpoint_id = ${endpointId}`;
    const switched = await settled(switchingId);
    const informed = await settled(informationalId);
    sampling = false;
    await sampler;

    const worst = Math.max(...globexMs);
    check(worst <= GLOBEX_LIMIT_MS, `Globex's slowest event took ${Number.isFinite(worst) ? `${worst} ms` : "for ever (never arrived within 20 s)"} (limit ${GLOBEX_LIMIT_MS} ms)`);
    check(acmeHeld <= SHARE, `Acme held ${acmeHeld} runs at once, over its share of ${SHARE}`);
    check(switched.length === 1 && switched[0]!.status === "failed" && /switch protocols/i.test(switched[0]!.error ?? ""), `101 receiver: ${JSON.stringify(switched)}`);
    check(informed.length === 1 && informed[0]!.status === "failed" && /informational/i.test(informed[0]!.error ?? ""), `103 receiver: ${JSON.stringify(informed)}`);
    check(healthBad === 0, `${healthBad} health checks failed`);
    check(quantile(health, 1) <= HEALTH_LIMIT_MS, `health took up to ${quantile(health, 1).toFixed(0)} ms (limit ${HEALTH_LIMIT_MS} ms)`);

    const fmt = (ms: number) => (Number.isFinite(ms) ? `${Math.round(ms)} ms` : "never");
    console.log(
      [
        `\nprove:stall${bounded ? " (bounded)" : ""}: Acme published ${ACME_EVENTS} events to ${STUCK_ENDPOINTS} endpoints that never answer (timeout 30 s), `,
        `plus one 101 and one 103 receiver; engine ${CONCURRENCY} slots, one organization's share ${SHARE}.`,
      ].join(""),
    );
    console.log("| Measure | Value | Target | Result |\n|---|---|---|---|");
    const row = (m: string, v: string, t = "", r = "") => console.log(`| ${m} | ${v} | ${t} | ${r} |`);
    row("Acme's runs in flight at most (stuck requests open)", `${acmeHeld} (${stuckConnections})`, `<= ${SHARE}`, acmeHeld <= SHARE ? "pass" : "FAIL");
    row("Time for Acme to fill its share", `${(saturatedAfter / 1000).toFixed(1)} s`);
    row(
      `Globex publish-to-receipt, ${GLOBEX_EVENTS} events: p50 / max`,
      `${fmt(quantile(globexMs, 0.5))} / ${fmt(worst)}`,
      `<= ${GLOBEX_LIMIT_MS} ms`,
      worst <= GLOBEX_LIMIT_MS ? "pass" : "FAIL",
    );
    row("101 receiver's attempt", `${switched[0]?.status} in ${switched[0]?.ms ?? "?"} ms`, "failed, in seconds", /switch protocols/i.test(switched[0]?.error ?? "") ? "pass" : "FAIL");
    row("103-for-ever receiver's attempt", `${informed[0]?.status} in ${informed[0]?.ms ?? "?"} ms`, "failed, in seconds", /informational/i.test(informed[0]?.error ?? "") ? "pass" : "FAIL");
    row(`GET /api/health, ${health.length} checks: p50 / max`, `${fmt(quantile(health, 0.5))} / ${fmt(quantile(health, 1))}`, `all 200, <= ${HEALTH_LIMIT_MS} ms`, healthBad === 0 && quantile(health, 1) <= HEALTH_LIMIT_MS ? "pass" : "FAIL");
  } finally {
    if (app) killNextApp(app);
    for (const r of receivers) await r.close().catch(() => undefined);
    await raw.end().catch(() => undefined);
    await database.drop();
  }
  if (failures.length > 0) {
    console.error(`\nprove:stall: ${failures.length} check(s) failed:\n- ${failures.join("\n- ")}`);
    process.exit(1);
  }
  console.log("\nprove:stall: all checks passed.");
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
