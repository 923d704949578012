/**
 * `npm run bench:retention`: the retention purge of delivery attempts, the old way (batch DELETE of rows older than
 * the cutoff from one table, as lib/delivery/retention.ts did before migration 0025) against the partitioned way
 * (dropping whole day partitions, db/partitions.ts, through the app's own purgeOldLogs).
 *
 * On a fresh database (created beside DATABASE_URL's and dropped afterwards) it loads ATTEMPTS attempts (default
 * 10,000,000) spread evenly over DAYS days (default 40) with SQL generate_series, first into a copy of the old
 * unpartitioned table with its four indexes, then into the partitioned delivery_attempts, and times the purge at
 * LOG_RETENTION_DAYS (30) both ways: rows, seconds, rows/s, WAL written (pg_current_wal_lsn and pg_stat_wal; both
 * count the whole server, so run it on an otherwise idle one) and the table's size before and after. The old way
 * leaves its dead rows to VACUUM, which is timed too (VACUUM=0 skips it). The foreign key to deliveries is left out
 * of both tables (it would need millions of deliveries to load, and it is not checked when attempts are deleted).
 */
import postgres from "postgres";
import { createBenchDatabase } from "./bench-database";

const ATTEMPTS = Number(process.env.ATTEMPTS ?? 10_000_000);
const DAYS = Number(process.env.DAYS ?? 40);
const RETENTION_DAYS = 30;
const CHUNK = 1_000_000;
const BATCH = 5000;
const DAY_MS = 24 * 60 * 60 * 1000;

type Sql = postgres.Sql;

interface Wal {
  lsn: string;
  bytes: number;
}

async function walNow(sql: Sql): Promise<Wal> {
  const [row] = await sql<{ lsn: string; bytes: string }[]>`select pg_current_wal_lsn()::text as lsn, (select wal_bytes from pg_stat_wal)::text as bytes`;
  return { lsn: row!.lsn, bytes: Number(row!.bytes) };
}

async function walSince(sql: Sql, before: Wal): Promise<{ lsnBytes: number; statBytes: number }> {
  // pg_stat_wal is fed by each backend's pending counters, flushed at most once a second: wait for them (untimed).
  await sql`select pg_sleep(2)`;
  const after = await walNow(sql);
  const [diff] = await sql<{ d: string }[]>`select pg_wal_lsn_diff(${after.lsn}::pg_lsn, ${before.lsn}::pg_lsn)::text as d`;
  return { lsnBytes: Number(diff!.d), statBytes: after.bytes - before.bytes };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const num = (n: number) => Math.round(n).toLocaleString("en-US");

/** The attempts g = from..to, spread evenly over DAYS days before `now`: two per delivery, 10 endpoints, 2 organizations. */
function loadSql(table: string, from: number, to: number, now: Date) {
  return `
    insert into ${table} (delivery_id, organization_id, endpoint_id, attempt_number, started_at, duration_ms, request_url,
      request_headers, response_status, response_headers, response_body, response_body_truncated, succeeded,
      dns_ms, connect_ms, tls_ms, ttfb_ms)
    select 'dlv_bench_' || (g / 2), 'org_bench_' || (g % 2), 'ep_bench_' || (g % 10), 1 + g % 2,
      '${now.toISOString()}'::timestamptz - (${DAYS}::float8 * (${ATTEMPTS} - g) / ${ATTEMPTS}) * interval '1 day',
      20 + g % 300, 'https://receiver.example/hooks/' || (g % 10),
      jsonb_build_object('content-type', 'application/json', 'user-agent', 'Herald-Webhooks/1.0',
        'webhook-id', 'msg_' || g, 'webhook-timestamp', (1700000000 + g)::text,
        'webhook-signature', 'v1,' || md5(g::text) || md5((g + 1)::text)),
      case when g % 20 = 0 then 500 else 200 end,
      '{"content-type":"application/json","content-length":"27"}'::jsonb,
      '{"ok":true,"received":"' || md5(g::text) || '"}', false, g % 20 <> 0,
      null, null, null, (g % 300)::real
    from generate_series(${from}, ${to}) g`;
}

async function load(sql: Sql, table: string, now: Date): Promise<number> {
  const t0 = performance.now();
  for (let from = 1; from <= ATTEMPTS; from += CHUNK) {
    const to = Math.min(ATTEMPTS, from + CHUNK - 1);
    await sql.unsafe(loadSql(table, from, to, now));
    process.stdout.write(`  ${table}: ${num(to)} / ${num(ATTEMPTS)} rows\r`);
  }
  process.stdout.write("\n");
  return (performance.now() - t0) / 1000;
}

interface Figures {
  way: string;
  rows: number;
  seconds: number;
  wal: { lsnBytes: number; statBytes: number };
  sizeBefore: number;
  sizeAfter: number;
}

async function main() {
  const database = await createBenchDatabase("herald_benchretention", {
    DELIVERY_WORKER: "0",
    SEED_DEMO: "0",
    LOG_RETENTION_DAYS: String(RETENTION_DAYS),
  });
  const sql = postgres(database.url, { max: 1, onnotice: () => undefined });
  const results: Figures[] = [];
  let closeDb: (() => Promise<void>) | undefined;
  try {
    const app = await import("@/db");
    closeDb = app.closeDb;
    const db = await app.getDb();
    const { ensureAttemptPartitions, listAttemptPartitions } = await import("@/db/partitions");
    const { purgeOldLogs } = await import("@/lib/delivery/retention");
    await sql`alter table delivery_attempts drop constraint delivery_attempts_delivery_id_deliveries_id_fk`;
    await sql`set maintenance_work_mem = '256MB'`;

    const now = new Date();
    const cutoff = new Date(now.getTime() - RETENTION_DAYS * DAY_MS);
    console.log(`bench:retention: ${num(ATTEMPTS)} attempts over ${DAYS} days, retention ${RETENTION_DAYS} days (cutoff ${cutoff.toISOString()})\n`);

    // (a) The old layout: one table, the four indexes of migration 0002, the old batch DELETE.
    console.log("(a) unpartitioned table, batch DELETE");
    await sql`create table attempts_flat (like delivery_attempts including defaults)`;
    const loadFlat = await load(sql, "attempts_flat", now);
    const t0 = performance.now();
    await sql`alter table attempts_flat add primary key (id)`;
    await sql`create unique index on attempts_flat (delivery_id, attempt_number)`;
    await sql`create index on attempts_flat (organization_id, started_at)`;
    await sql`create index on attempts_flat (started_at)`;
    await sql`vacuum analyze attempts_flat`;
    console.log(`  loaded in ${loadFlat.toFixed(0)} s, indexed and vacuumed in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const [flatOld] = await sql<{ n: string }[]>`select count(*)::text as n from attempts_flat where started_at < ${cutoff}`;
    const flatSize = async () => Number((await sql<{ s: string }[]>`select pg_total_relation_size('attempts_flat')::text as s`)[0]!.s);
    const sizeA = await flatSize();
    await sql`checkpoint`;
    let wal = await walNow(sql);
    let started = performance.now();
    let deleted = 0;
    for (;;) {
      const gone = await sql`
        with doomed as (select id from attempts_flat where started_at < ${cutoff} limit ${BATCH})
        delete from attempts_flat where id in (select id from doomed) returning 1 as gone`;
      deleted += gone.length;
      if (gone.length < BATCH) break;
    }
    results.push({ way: "batch DELETE (old)", rows: deleted, seconds: (performance.now() - started) / 1000, wal: await walSince(sql, wal), sizeBefore: sizeA, sizeAfter: await flatSize() });
    if (deleted !== Number(flatOld!.n)) throw new Error(`the DELETE removed ${deleted} rows, expected ${flatOld!.n}`);
    if (process.env.VACUUM !== "0") {
      wal = await walNow(sql);
      started = performance.now();
      await sql`vacuum attempts_flat`;
      results.push({ way: "  then its VACUUM", rows: deleted, seconds: (performance.now() - started) / 1000, wal: await walSince(sql, wal), sizeBefore: sizeA, sizeAfter: await flatSize() });
    }
    await sql`drop table attempts_flat`;

    // (b) The partitioned layout of migration 0025: day partitions for every loaded day, the app's purge.
    console.log("(b) partitioned by day, dropping partitions");
    await ensureAttemptPartitions(db, { now, from: new Date(now.getTime() - DAYS * DAY_MS) });
    const loadPart = await load(sql, "delivery_attempts", now);
    await sql`vacuum analyze delivery_attempts`;
    console.log(`  loaded in ${loadPart.toFixed(0)} s (indexes maintained while loading)`);
    const [inDefault] = await sql<{ n: string }[]>`select count(*)::text as n from delivery_attempts_default`;
    if (Number(inDefault!.n) !== 0) throw new Error(`${inDefault!.n} rows fell into the DEFAULT partition`);
    const partSize = async () =>
      Number((await sql<{ s: string }[]>`select coalesce(sum(pg_total_relation_size(inhrelid)), 0)::text as s from pg_inherits where inhparent = 'delivery_attempts'::regclass`)[0]!.s);
    const partsBefore = (await listAttemptPartitions(db)).length;
    const [partOld] = await sql<{ n: string }[]>`select count(*)::text as n from delivery_attempts where started_at < ${cutoff}`;
    const sizeB = await partSize();
    await sql`checkpoint`;
    wal = await walNow(sql);
    started = performance.now();
    const purged = await purgeOldLogs(now);
    results.push({ way: "drop partitions (new)", rows: purged.attempts, seconds: (performance.now() - started) / 1000, wal: await walSince(sql, wal), sizeBefore: sizeB, sizeAfter: await partSize() });
    const partsAfter = (await listAttemptPartitions(db)).length;
    const [left] = await sql<{ n: string }[]>`select count(*)::text as n from delivery_attempts where started_at < ${cutoff}`;
    console.log(
      `  ${partsBefore - partsAfter} of ${partsBefore} partitions dropped; ${num(Number(partOld!.n))} rows were older than the cutoff, ` +
        `${num(Number(left!.n))} of them are kept in the partition holding the cutoff until its day is past`,
    );

    console.log(`\n| Purge (${num(ATTEMPTS)} attempts over ${DAYS} days, ${RETENTION_DAYS}-day retention) | Rows | Seconds | Rows/s | WAL (LSN diff) | WAL (pg_stat_wal) | Size before -> after |`);
    console.log("|---|---|---|---|---|---|---|");
    for (const r of results) {
      console.log(
        `| ${r.way} | ${num(r.rows)} | ${r.seconds.toFixed(r.seconds < 10 ? 2 : 1)} | ${num(r.rows / r.seconds)} | ${mb(r.wal.lsnBytes)} | ${mb(r.wal.statBytes)} | ${mb(r.sizeBefore)} -> ${mb(r.sizeAfter)} |`,
      );
    }
    const old = results[0]!;
    const neu = results[results.length - 1]!;
    const oldRate = old.rows / old.seconds;
    const newRate = neu.rows / neu.seconds;
    console.log(
      `\nDropping partitions purges ${(newRate / oldRate).toFixed(0)}x more rows per second than the batch DELETE ` +
        `(${(old.seconds / neu.seconds).toFixed(0)}x less time) and writes ${(old.wal.lsnBytes / Math.max(1, neu.wal.lsnBytes)).toFixed(0)}x less WAL` +
        (results.length === 3 ? ", before counting the DELETE's VACUUM." : "."),
    );
  } finally {
    await closeDb?.().catch(() => undefined);
    await sql.end({ timeout: 5 });
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
