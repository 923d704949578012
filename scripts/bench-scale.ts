/**
 * `npm run bench:scale`: one, two and four delivery workers (`npm run worker`) on one PostgreSQL. For each count in
 * PROCESSES (default "1,2,4"), on a fresh database:
 * 1. publish a backlog of EVENTS events (default 10,000) over ENDPOINTS endpoints (default 10) on a local HTTPS
 *    receiver (its own process), one delivery each, with no worker running (a separate publisher process);
 * 2. hold the backlog (one transaction locks its runs: claims skip locked rows) while that many workers start, then
 *    release it once every worker is ready, so all start together and start-up time is not counted;
 * 3. time the drain until the receiver holds every delivery, and sample PostgreSQL every SAMPLE_MS (100 ms):
 *    `pg_stat_activity`'s wait events of this database's backends (Lock and LWLock waits counted per sample) and
 *    `pg_locks` not granted;
 * 4. stop the workers (SIGTERM) and read what each one's claims found (the engine's claim counts, logged at debug
 *    level when it stops), `pg_stat_database`'s commits, rollbacks and deadlocks, and the rows and WAL written.
 * Prints a markdown table (deliveries/s, per process, efficiency against one process, contention) and a model:
 * rate(N) ≈ min(N x r1, U / r), with r the measured rows per delivery and U the row writes/s a PostgreSQL sustains
 * (PG_ROW_WRITES, default 20,000, the README's capacity figure), and a Universal Scalability Law fit of the rounds.
 * DELIVERY_CONCURRENCY (64 per process), DELIVERY_CONCURRENCY_PER_ENDPOINT (enforced across processes: by default
 * high enough for the largest round, at most 100) and POOL (database connections per worker, 20) change the run.
 * Needs DATABASE_URL (a server on which it may create and drop databases).
 */
import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import postgres from "postgres";
import { createBenchDatabase } from "./bench-database";
import { lsnDiff, readCounters, type DbCounters } from "./bench-peers/counters";
import { startReceiverProcess, waitForCountOnly } from "./bench-receiver-client";

const EVENTS = Number(process.env.EVENTS ?? 10_000);
const ENDPOINTS = Number(process.env.ENDPOINTS ?? 10);
const PROCESSES = (process.env.PROCESSES ?? "1,2,4").split(",").map(Number);
const CONCURRENCY = Number(process.env.DELIVERY_CONCURRENCY ?? 64);
const MAX_PROCESSES = Math.max(...PROCESSES);
/** The engine's per-endpoint limit holds across processes: by default room for every slot of the largest round. */
const PER_ENDPOINT = Number(process.env.DELIVERY_CONCURRENCY_PER_ENDPOINT ?? Math.min(100, Math.ceil((MAX_PROCESSES * CONCURRENCY) / ENDPOINTS)));
const POOL = Number(process.env.POOL ?? 20);
const SAMPLE_MS = Number(process.env.SAMPLE_MS ?? 100);
const ROW_WRITES = Number(process.env.PG_ROW_WRITES ?? 20_000);
const POLL_MS = 50;
const RESULT_LINE = "bench-scale-published ";

/** The publisher (a child process, `--publish`): demo data, endpoints, then the backlog; prints the counters. */
async function publish() {
  const receiverUrl = process.env.RECEIVER_URL!;
  const { closeDb } = await import("../db");
  const { prepareDatabase } = await import("../lib/startup");
  const { sessionContextFor } = await import("../testing/session");
  const { runAction } = await import("../lib/action");
  const { createEndpointSchema } = await import("../app/(portal)/webhooks/schemas");
  const { createEndpoint } = await import("../lib/endpoints/operations");
  const { publishEvent } = await import("../lib/delivery/publish");
  const { EVENT_CATALOG } = await import("../lib/events/catalog");
  await prepareDatabase();
  const ctx = await sessionContextFor("partner@example.com");
  const endpointIds: string[] = [];
  for (let i = 0; i < ENDPOINTS; i += 1) {
    const r = await runAction(ctx, createEndpointSchema, createEndpoint, {
      url: `${receiverUrl}/endpoint-${i}`,
      headers: [{ name: "X-API-Key", value: `bench-key-${i}` }],
    });
    if (!r.ok) throw new Error(r.error.message);
    endpointIds.push(r.data.id);
  }
  // Closed connections have flushed their statistics: the counters now hold everything before the backlog.
  await closeDb();
  await sleep(500);
  const before = await readCounters(process.env.DATABASE_URL!);
  const example = EVENT_CATALOG.find((e) => e.type === "credential.issued")!.example;
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < EVENTS) {
        const i = next++;
        await publishEvent(ctx.org.id, "credential.issued", example, { endpointId: endpointIds[i % ENDPOINTS] });
      }
    }),
  );
  const publishMs = performance.now() - started;
  await closeDb();
  process.stdout.write(`${RESULT_LINE}${JSON.stringify({ before, publishMs })}\n`);
}

interface Worker {
  child: ChildProcess;
  /** The worker's own process id (npm and tsx run in between), from its ready line. */
  ready: Promise<number>;
  counts: Promise<ClaimCounts | undefined>;
  exited: Promise<number | null>;
}

interface ClaimCounts {
  claims: number;
  empty: number;
  claimed: number;
  keyLockSkipped: number;
  failed: number;
}

/** `npm run worker` with debug logging (for the engine's claim counts when it stops). */
function startWorker(env: NodeJS.ProcessEnv): Worker {
  const child = spawn("npm", ["run", "--silent", "worker"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let buffer = "";
  let onReady: (pid: number) => void = () => undefined;
  let onCounts: (c: ClaimCounts | undefined) => void = () => undefined;
  const ready = new Promise<number>((resolve) => (onReady = resolve));
  const counts = new Promise<ClaimCounts | undefined>((resolve) => (onCounts = resolve));
  child.stdout!.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      // "worker ready <host>:<pid>:<random>"
      if (line.startsWith("worker ready")) onReady(Number(line.split(":").at(-2)));
      else if (line.includes('"embedded engine: claim counts"')) onCounts(JSON.parse(line) as ClaimCounts);
    }
  });
  // Warnings and errors go to stderr; the private-targets warning is expected here.
  child.stderr!.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    if (!text.includes("WEBHOOK_ALLOW_PRIVATE_TARGETS")) process.stderr.write(text);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      onCounts(undefined);
      resolve(code);
    }),
  );
  return { child, ready, counts, exited };
}

interface Sampler {
  samples: number;
  lock: number;
  lwlock: number;
  samplesWithLock: number;
  notGranted: number;
  notGrantedMax: number;
  active: number;
  waits: Map<string, number>;
}

/** Samples this database's backends every SAMPLE_MS until stopped: their wait events and locks not granted. */
function startSampler(sql: postgres.Sql) {
  const s: Sampler = { samples: 0, lock: 0, lwlock: 0, samplesWithLock: 0, notGranted: 0, notGrantedMax: 0, active: 0, waits: new Map() };
  let running = true;
  const done = (async () => {
    while (running) {
      const t0 = performance.now();
      const rows = await sql<{ t: string; e: string; n: number; ng: number }[]>`
        with a as (
          select pid, wait_event_type, wait_event from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and state = 'active'
        )
        select coalesce(wait_event_type, '') as t, coalesce(wait_event, '') as e, count(*)::int as n,
          (select count(*)::int from pg_locks l where not l.granted and l.pid in (select pid from pg_stat_activity where datname = current_database())) as ng
        from a group by 1, 2`;
      s.samples += 1;
      let lock = 0;
      const ng = rows[0]?.ng ?? 0;
      for (const r of rows) {
        s.active += r.n;
        if (r.t === "Lock") lock += r.n;
        if (r.t === "LWLock") s.lwlock += r.n;
        if (r.t) s.waits.set(`${r.t}:${r.e}`, (s.waits.get(`${r.t}:${r.e}`) ?? 0) + r.n);
      }
      s.lock += lock;
      if (lock > 0) s.samplesWithLock += 1;
      s.notGranted += ng;
      s.notGrantedMax = Math.max(s.notGrantedMax, ng);
      await sleep(Math.max(0, SAMPLE_MS - (performance.now() - t0)));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return s;
    },
  };
}

interface DbStats {
  commits: number;
  rollbacks: number;
  deadlocks: number;
}

async function databaseStats(sql: postgres.Sql): Promise<DbStats> {
  const [row] = await sql<{ c: string; r: string; d: string }[]>`
    select xact_commit::text as c, xact_rollback::text as r, deadlocks::text as d from pg_stat_database where datname = current_database()`;
  return { commits: Number(row!.c), rollbacks: Number(row!.r), deadlocks: Number(row!.d) };
}

interface Round {
  processes: number;
  rate: number;
  drainMs: number;
  publishMs: number;
  sampler: Sampler;
  claims: ClaimCounts;
  countsMissing: number;
  db: DbStats;
  rowsPerDelivery: number;
  walPerDelivery: number;
  drainRowsPerDelivery: number;
  drainWalPerDelivery: number;
  succeeded: number;
}

async function round(processes: number, baseUrl: string, receiver: Awaited<ReturnType<typeof startReceiverProcess>>): Promise<Round> {
  process.env.DATABASE_URL = baseUrl;
  const database = await createBenchDatabase(`herald_scale${processes}`, {
    WEBHOOK_ALLOW_PRIVATE_TARGETS: "1",
    DELIVERY_CONCURRENCY: String(CONCURRENCY),
    DELIVERY_CONCURRENCY_PER_ENDPOINT: String(PER_ENDPOINT),
    DELIVERY_CONCURRENCY_PER_ORGANIZATION: String(CONCURRENCY),
    DELIVERY_POLL_MS: String(POLL_MS),
    DATABASE_POOL_MAX: String(POOL),
  });
  const sql = postgres(database.url, { max: 1, onnotice: () => undefined });
  const gate = postgres(database.url, { max: 1, onnotice: () => undefined });
  const workers: Worker[] = [];
  let release: () => void = () => undefined;
  try {
    await receiver.ask("reset");
    // 1. The backlog, published with no worker running.
    const publisher = spawn(process.execPath, ["--import", "tsx", "scripts/bench-scale.ts", "--publish"], {
      env: { ...process.env, RECEIVER_URL: receiver.url, DELIVERY_WORKER: "0" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    publisher.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => publisher.on("exit", resolve));
    const line = out.split("\n").find((l) => l.startsWith(RESULT_LINE));
    if (code !== 0 || !line) throw new Error(`the publisher failed (exit ${code}): ${out.slice(-2000)}`);
    const { before, publishMs } = JSON.parse(line.slice(RESULT_LINE.length)) as { before: DbCounters; publishMs: number };
    await sleep(500);
    const published = await readCounters(database.url);

    // 2. Hold every run (claims skip locked rows) while the workers start; release them together.
    const released = new Promise<void>((resolve) => (release = resolve));
    let held: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const hold = gate.begin(async (tx) => {
      await tx`select id from workflow_runs for update`;
      held();
      await released;
    });
    await holding;
    const env = { ...process.env, LOG_LEVEL: "debug", DELIVERY_WORKER: "1" };
    for (let i = 0; i < processes; i += 1) workers.push(startWorker(env));
    await Promise.race([
      Promise.all(workers.map((w) => w.ready)),
      sleep(120_000).then(() => {
        throw new Error("the workers did not start within 2 minutes");
      }),
    ]);
    const dbBefore = await databaseStats(sql);
    const [{ lsn: lsnBefore }] = (await sql`select pg_current_wal_lsn()::text as lsn`) as unknown as [{ lsn: string }];
    const sampler = startSampler(sql);
    const started = performance.now();
    release();
    await hold;

    // 3. The drain.
    await waitForCountOnly(receiver.ask, EVENTS, 1_800_000, undefined, 20);
    const drainMs = performance.now() - started;
    const sampled = await sampler.stop();

    // 4. Stop the workers; their claim counts, then PostgreSQL's counters (flushed as their connections closed). The
    // signal goes to the worker itself, once: npm and tsx relay theirs too, and a second signal exits without draining.
    for (const w of workers) signal(w, await w.ready, "SIGTERM");
    const counts = await Promise.all(workers.map((w) => w.counts));
    await Promise.race([Promise.all(workers.map((w) => w.exited)), sleep(30_000)]);
    await sleep(500);
    const after = await readCounters(database.url);
    const dbAfter = await databaseStats(sql);
    const [{ n: succeeded }] = (await sql`select count(*)::int as n from deliveries where status = 'succeeded'`) as unknown as [{ n: number }];
    const claims: ClaimCounts = { claims: 0, empty: 0, claimed: 0, keyLockSkipped: 0, failed: 0 };
    for (const c of counts) {
      if (!c) continue;
      for (const k of Object.keys(claims) as (keyof ClaimCounts)[]) claims[k] += c[k];
    }
    const rows = (c: DbCounters) => c.inserted + c.updated + c.deleted;
    return {
      processes,
      rate: EVENTS / (drainMs / 1000),
      drainMs,
      publishMs,
      sampler: sampled,
      claims,
      countsMissing: counts.filter((c) => !c).length,
      db: { commits: dbAfter.commits - dbBefore.commits, rollbacks: dbAfter.rollbacks - dbBefore.rollbacks, deadlocks: dbAfter.deadlocks - dbBefore.deadlocks },
      rowsPerDelivery: (rows(after) - rows(before)) / EVENTS,
      drainRowsPerDelivery: (rows(after) - rows(published)) / EVENTS,
      walPerDelivery: lsnDiff(before.walLsn, after.walLsn) / EVENTS,
      drainWalPerDelivery: lsnDiff(lsnBefore, after.walLsn) / EVENTS,
      succeeded,
    };
  } finally {
    // A round that failed while the backlog was held lets the hold's transaction end.
    release();
    for (const w of workers) {
      if (w.child.exitCode === null) {
        // A worker that never said ready has no known pid: npm's is all there is.
        signal(w, await Promise.race([w.ready, sleep(0).then(() => NaN)]), "SIGKILL");
      }
    }
    await sql.end().catch(() => undefined);
    await gate.end().catch(() => undefined);
    await database.drop();
  }
}

/** Universal Scalability Law fit: X(N) = N·X(1) / (1 + σ(N−1) + κN(N−1)), least squares on σ and κ. */
function uslFit(rounds: Round[]): { sigma: number; kappa: number } | undefined {
  const one = rounds.find((r) => r.processes === 1);
  const more = rounds.filter((r) => r.processes > 1);
  if (!one || more.length < 2) return undefined;
  let saa = 0, sab = 0, sbb = 0, say = 0, sby = 0;
  for (const r of more) {
    const n = r.processes;
    const a = n - 1;
    const b = n * (n - 1);
    const y = (n * one.rate) / r.rate - 1;
    saa += a * a; sab += a * b; sbb += b * b; say += a * y; sby += b * y;
  }
  const det = saa * sbb - sab * sab;
  if (Math.abs(det) < 1e-12) return undefined;
  return { sigma: (say * sbb - sby * sab) / det, kappa: (saa * sby - sab * say) / det };
}

async function main() {
  if (process.argv.includes("--publish")) {
    await publish();
    process.exit(0);
  }
  // Read before this run starts anything: afterwards the load average counts the run's own workers and receiver.
  const load = os.loadavg()[0]!;
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) throw new Error("Set DATABASE_URL to a PostgreSQL server (a database is created and dropped there for each round).");
  const admin = postgres(baseUrl, { max: 1, onnotice: () => undefined });
  const [{ max_connections: maxConnections }] = (await admin`show max_connections`) as unknown as [{ max_connections: string }];
  await admin.end();
  if (MAX_PROCESSES * POOL + 10 > Number(maxConnections)) {
    throw new Error(`${MAX_PROCESSES} workers x POOL ${POOL} connections do not fit max_connections ${maxConnections}: set POOL lower.`);
  }
  const receiver = await startReceiverProcess();
  const rounds: Round[] = [];
  try {
    for (const n of PROCESSES) {
      const r = await round(n, baseUrl, receiver);
      rounds.push(r);
      console.error(`bench:scale: ${n} process(es): ${EVENTS} deliveries in ${(r.drainMs / 1000).toFixed(2)} s (${r.rate.toFixed(0)}/s)`);
    }
  } finally {
    process.env.DATABASE_URL = baseUrl;
    receiver.child.send({ type: "close" });
  }

  const one = rounds.find((r) => r.processes === 1);
  const rowsPer = rounds.reduce((s, r) => s + r.rowsPerDelivery, 0) / rounds.length;
  const walPer = rounds.reduce((s, r) => s + r.walPerDelivery, 0) / rounds.length;
  const ceiling = ROW_WRITES / rowsPer;
  console.log(
    `\nbench:scale: ${EVENTS} deliveries over ${ENDPOINTS} endpoints per round, DELIVERY_CONCURRENCY ${CONCURRENCY} per process, ` +
      `DELIVERY_CONCURRENCY_PER_ENDPOINT ${PER_ENDPOINT} (across processes: at most ${PER_ENDPOINT * ENDPOINTS} in flight), pool ${POOL} per process, ` +
      `sampled every ${SAMPLE_MS} ms; ${os.cpus().length} CPUs, load average before the run ${load.toFixed(1)}, Node ${process.version}`,
  );
  if (PER_ENDPOINT * ENDPOINTS < MAX_PROCESSES * CONCURRENCY) {
    console.log(`(the per-endpoint limit caps the largest round below its ${MAX_PROCESSES * CONCURRENCY} slots)`);
  }
  console.log(
    "\n| Processes | Deliveries/s | Per process | Efficiency vs 1 | Lock waits (samples with any) | LWLock waits | Locks not granted (max) | Claims: took runs / found nothing / failed | Runs per claim | Rows skipped (key locked elsewhere) | Rollbacks / deadlocks | Rows / WAL bytes per delivery |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const r of rounds) {
    const took = r.claims.claims - r.claims.empty - r.claims.failed;
    const efficiency = one ? `${((r.rate / (r.processes * one.rate)) * 100).toFixed(0)}%` : "-";
    console.log(
      `| ${r.processes} | ${r.rate.toFixed(0)} | ${(r.rate / r.processes).toFixed(0)} | ${efficiency} | ${r.sampler.lock} (${r.sampler.samplesWithLock} of ${r.sampler.samples}) | ` +
        `${r.sampler.lwlock} | ${r.sampler.notGranted} (${r.sampler.notGrantedMax}) | ${took} / ${r.claims.empty} / ${r.claims.failed}${r.countsMissing ? ` (${r.countsMissing} worker(s) did not report)` : ""} | ` +
        `${took > 0 ? (r.claims.claimed / took).toFixed(1) : "-"} | ${r.claims.keyLockSkipped} | ${r.db.rollbacks} / ${r.db.deadlocks} | ${r.rowsPerDelivery.toFixed(1)} / ${r.walPerDelivery.toFixed(0)} |`,
    );
  }
  console.log("");
  for (const r of rounds) {
    const top = [...r.sampler.waits].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, v]) => `${k} ${v}`).join(", ");
    console.log(
      `- ${r.processes} process(es): drained in ${(r.drainMs / 1000).toFixed(2)} s (published in ${(r.publishMs / 1000).toFixed(1)} s beforehand), ${r.succeeded} of ${EVENTS} deliveries succeeded; ` +
        `${(r.sampler.active / Math.max(1, r.sampler.samples)).toFixed(1)} active backends per sample; ${(r.db.commits / EVENTS).toFixed(2)} commits per delivery; ` +
        `the drain alone wrote ${r.drainRowsPerDelivery.toFixed(1)} rows and ${r.drainWalPerDelivery.toFixed(0)} WAL bytes per delivery; top wait events: ${top || "none"}`,
    );
  }
  if (one) {
    const predicted = rounds.map((r) => `rate(${r.processes}) ≈ ${Math.min(r.processes * one.rate, ceiling).toFixed(0)} (measured ${r.rate.toFixed(0)})`).join(", ");
    console.log(
      `\nModel: rate(N) ≈ min(N x r1, U / r) with r1 = ${one.rate.toFixed(0)} deliveries/s for one process, r = ${rowsPer.toFixed(1)} rows per delivery ` +
        `(${walPer.toFixed(0)} WAL bytes; WAL counts the whole server), U = ${ROW_WRITES} row writes/s (PG_ROW_WRITES): ceiling ${ceiling.toFixed(0)} deliveries/s; ${predicted}. ` +
        `N x r1 assumes each process has cores of its own; here ${os.cpus().length} CPUs carried every worker, the receiver and PostgreSQL.`,
    );
    const best = rounds.reduce((a, b) => (b.rate > a.rate ? b : a));
    console.log(`This PostgreSQL carried at least ${(best.rate * best.rowsPerDelivery).toFixed(0)} row writes/s (${best.processes} process(es) x ${best.rowsPerDelivery.toFixed(1)} rows at ${best.rate.toFixed(0)}/s).`);
    const usl = uslFit(rounds);
    if (usl) {
      const peak = usl.kappa > 0 ? Math.sqrt((1 - usl.sigma) / usl.kappa) : Infinity;
      console.log(
        `Universal Scalability Law fit: rate(N) = N x ${one.rate.toFixed(0)} / (1 + ${usl.sigma.toFixed(3)}(N-1) + ${usl.kappa.toFixed(4)}N(N-1)); ` +
          `contention σ ${usl.sigma.toFixed(3)}, coherency κ ${usl.kappa.toFixed(4)}${Number.isFinite(peak) ? `, peak near N = ${peak.toFixed(1)}` : ""}` +
          `${usl.sigma < 0 || usl.kappa < 0 ? " (a negative term: the rounds do not follow the law, so the run was noisy or bound by something else, such as shared cores)" : ""}.`,
      );
    }
  }
  if (load > os.cpus().length) {
    console.log(`\nThe load average before the run (${load.toFixed(1)}) was above the CPU count: other work shared this machine, so these figures measure it, not Herald.`);
  }
}

/** Signals the worker process itself when its pid is known, else npm (which relays it). */
function signal(w: Worker, pid: number, name: NodeJS.Signals) {
  try {
    if (Number.isFinite(pid)) process.kill(pid, name);
    if (name === "SIGKILL" || !Number.isFinite(pid)) w.child.kill(name);
  } catch {
    // Already gone.
  }
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
