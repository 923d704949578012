import { sql } from "drizzle-orm";
import type { Db } from "./index";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { hasPgCode } from "./pg-errors";
import { rowsOf } from "./rows";

/**
 * delivery_attempts is range-partitioned by started_at, one partition per UTC day (migration 0025), plus a DEFAULT
 * partition that takes any row no day partition covers, so an insert never fails. A day is the unit because retention
 * is counted in days (LOG_RETENTION_DAYS, 30 by default: about 31 partitions, few enough for the planner) and the Logs
 * queries are "newest first" or a time range, which a day partition serves with its own small indexes. Hourly
 * partitions would mean 720 of them; weekly ones would keep up to a week of logs past the retention.
 */
export const ATTEMPTS_TABLE = "delivery_attempts";
const DEFAULT_PARTITION = `${ATTEMPTS_TABLE}_default`;
/** Days created ahead of today: a week of margin if maintenance stops running (the DEFAULT partition is the last). */
export const DAYS_AHEAD = 7;

// Any fixed number works: every process that creates or drops partitions takes this lock for it.
const PARTITION_LOCK_KEY = 727_025;
const DAY_MS = 24 * 60 * 60 * 1000;
const BATCH = 5000;

export interface AttemptPartition {
  name: string;
  /** Lower bound (null: MINVALUE). */
  from: Date | null;
  /** Upper bound, exclusive (null: MAXVALUE). */
  to: Date | null;
  isDefault: boolean;
}

const startOfUtcDay = (at: Date) => new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
const dayName = (day: Date) => `${ATTEMPTS_TABLE}_p${day.toISOString().slice(0, 10).replaceAll("-", "")}`;

/** Whether delivery_attempts is partitioned (false before migration 0025). */
export async function isPartitioned(db: Db): Promise<boolean> {
  const rows = rowsOf<{ kind: string }>(
    await db.execute(sql`select relkind::text as kind from pg_class where oid = to_regclass(${ATTEMPTS_TABLE})`),
  );
  return rows[0]?.kind === "p";
}

/** The partitions of delivery_attempts with their bounds, read from the catalog (any name, including the old table). */
export async function listAttemptPartitions(db: Db): Promise<AttemptPartition[]> {
  // The bound is printed as FOR VALUES FROM ('...') TO ('...'), or with MINVALUE/MAXVALUE, or DEFAULT; the quoted
  // values are read back as timestamptz in the same session, so time zone and date style cannot disagree.
  const result = await db.execute(sql`
    with p as (
      select c.relname::text as name, pg_get_expr(c.relpartbound, c.oid) as bound
      from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = to_regclass(${ATTEMPTS_TABLE})
    )
    select name, bound = 'DEFAULT' as is_default,
      (substring(bound from 'FROM \\(''([^'']+)''\\)'))::timestamptz as lower_bound,
      (substring(bound from 'TO \\(''([^'']+)''\\)'))::timestamptz as upper_bound
    from p order by upper_bound nulls last, name
  `);
  const date = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string));
  return rowsOf<{ name: string; is_default: boolean; lower_bound: unknown; upper_bound: unknown }>(result).map((r) => ({
    name: r.name,
    isDefault: r.is_default,
    from: r.is_default ? null : date(r.lower_bound),
    to: r.is_default ? null : date(r.upper_bound),
  }));
}

/** PostgreSQL's lock_not_available: a lock_timeout ran out. */
const LOCK_NOT_AVAILABLE = "55P03";

/**
 * Creating or dropping a partition takes an ACCESS EXCLUSIVE lock on delivery_attempts, and while it waits for it
 * (behind a long Logs query, say), every recording of an attempt queues behind it: delivery would stall for as long as
 * that query runs. So its lock waits end after PARTITION_LOCK_TIMEOUT_MS (500 ms; set after the advisory lock, which
 * may wait): the change gives up and is tried again at the next hourly run (partitions are made days ahead; until one
 * exists, its day's attempts go to DEFAULT).
 */
async function limitLockWait(t: Db): Promise<void> {
  await t.execute(sql.raw(`set local lock_timeout = ${Math.round(env.partitionLockTimeoutMs)}`));
}

const overlaps = (p: AttemptPartition, from: Date, to: Date) =>
  !p.isDefault && (p.from === null || p.from < to) && (p.to === null || p.to > from);

/**
 * Makes sure a day partition exists for every UTC day from `from` (default: today) through DAYS_AHEAD days after
 * today. Days already covered by a partition are skipped. Rows that already sit in the DEFAULT partition for a new
 * day are moved into it (PostgreSQL refuses to create the partition otherwise). Safe from several processes at
 * once: creation runs under a transaction-level advisory lock and re-reads the catalog inside it. Returns the names
 * created.
 */
export async function ensureAttemptPartitions(db: Db, options: { now?: Date; from?: Date; daysAhead?: number } = {}): Promise<string[]> {
  const now = options.now ?? new Date();
  const first = startOfUtcDay(options.from ?? now);
  const last = startOfUtcDay(new Date(now.getTime() + (options.daysAhead ?? DAYS_AHEAD) * DAY_MS));
  const wanted = (existing: AttemptPartition[]) => {
    const days: Date[] = [];
    for (let day = first; day <= last; day = new Date(day.getTime() + DAY_MS)) {
      const end = new Date(day.getTime() + DAY_MS);
      if (!existing.some((p) => overlaps(p, day, end))) days.push(day);
    }
    return days;
  };
  if (!(await isPartitioned(db))) return [];
  // Nothing missing (the usual case, every hour): no lock, no transaction.
  if (wanted(await listAttemptPartitions(db)).length === 0) return [];
  try {
    return await createMissingPartitions(db, wanted);
  } catch (error) {
    if (!hasPgCode(error, LOCK_NOT_AVAILABLE)) throw error;
    logger.warn("attempt partitions not created: delivery_attempts is in use; trying again at the next hourly run", {
      lockTimeoutMs: env.partitionLockTimeoutMs,
    });
    return [];
  }
}

async function createMissingPartitions(db: Db, wanted: (existing: AttemptPartition[]) => Date[]): Promise<string[]> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await t.execute(sql`select pg_advisory_xact_lock(${PARTITION_LOCK_KEY})`);
    await limitLockWait(t);
    const created: string[] = [];
    for (const day of wanted(await listAttemptPartitions(t))) {
      const end = new Date(day.getTime() + DAY_MS);
      const name = dayName(day);
      const lower = day.toISOString();
      const upper = end.toISOString();
      const stray = rowsOf(
        await t.execute(sql`select 1 from ${sql.identifier(DEFAULT_PARTITION)}
          where started_at >= ${lower}::timestamptz and started_at < ${upper}::timestamptz limit 1`),
      );
      if (stray.length === 0) {
        await t.execute(sql`create table ${sql.identifier(name)} partition of ${sql.identifier(ATTEMPTS_TABLE)}
          for values from (${sql.raw(`'${lower}'`)}) to (${sql.raw(`'${upper}'`)})`);
      } else {
        // Move the day's rows out of DEFAULT into a standalone table, then attach it (its indexes and foreign key
        // are created by ATTACH).
        await t.execute(sql`create table ${sql.identifier(name)} (like ${sql.identifier(ATTEMPTS_TABLE)} including defaults)`);
        await t.execute(sql`
          with moved as (
            delete from ${sql.identifier(DEFAULT_PARTITION)}
            where started_at >= ${lower}::timestamptz and started_at < ${upper}::timestamptz returning *
          )
          insert into ${sql.identifier(name)} select * from moved
        `);
        await t.execute(sql`alter table ${sql.identifier(ATTEMPTS_TABLE)} attach partition ${sql.identifier(name)}
          for values from (${sql.raw(`'${lower}'`)}) to (${sql.raw(`'${upper}'`)})`);
      }
      created.push(name);
    }
    return created;
  });
}

/**
 * Retention of delivery attempts: drops every partition whose whole range is older than `cutoff` (no row is
 * deleted one by one, and no WAL is written for the rows), then batch-deletes rows older than the cutoff from the
 * DEFAULT partition only. The partition that holds the cutoff is kept whole until its day is entirely past: an
 * attempt is kept at least the retention period and at most one day longer. (Deleting row by row inside that
 * partition every hour would, in steady state, delete every row one by one before its partition is dropped empty,
 * which is the cost partitioning exists to avoid.) Safe from several processes at once (advisory lock, IF EXISTS).
 * Returns the rows removed and the partitions dropped.
 */
export async function purgeAttemptPartitions(db: Db, cutoff: Date): Promise<{ rows: number; partitions: string[] }> {
  let rows = 0;
  const dropped: string[] = [];
  const doomed = (await listAttemptPartitions(db)).filter((p) => !p.isDefault && p.to !== null && p.to <= cutoff);
  for (const partition of doomed) {
    const gone = await db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      await t.execute(sql`select pg_advisory_xact_lock(${PARTITION_LOCK_KEY})`);
      await limitLockWait(t);
      // Another process may have dropped it while this one waited for the lock.
      const still = rowsOf(await t.execute(sql`select 1 from pg_class where oid = to_regclass(${partition.name})`));
      if (still.length === 0) return undefined;
      const [counted] = rowsOf<{ n: number }>(await t.execute(sql`select count(*)::int as n from ${sql.identifier(partition.name)}`));
      // DROP TABLE on a partition detaches it and removes its files in one short ACCESS EXCLUSIVE lock.
      await t.execute(sql`drop table if exists ${sql.identifier(partition.name)}`);
      return counted?.n ?? 0;
    }).catch((error: unknown) => {
      if (!hasPgCode(error, LOCK_NOT_AVAILABLE)) throw error;
      return null;
    });
    if (gone === null) {
      // The table is in use: the rest waits for the next hourly run too (their days are kept a little longer).
      logger.warn("attempt partition not dropped: delivery_attempts is in use; trying again at the next hourly run", {
        partition: partition.name,
        lockTimeoutMs: env.partitionLockTimeoutMs,
      });
      break;
    }
    if (gone === undefined) continue;
    rows += gone;
    dropped.push(partition.name);
  }
  for (;;) {
    const result = await db.execute(sql`
      with doomed as (
        select id, started_at from ${sql.identifier(DEFAULT_PARTITION)} where started_at < ${cutoff.toISOString()}::timestamptz limit ${BATCH}
      )
      delete from ${sql.identifier(DEFAULT_PARTITION)} a using doomed
      where a.id = doomed.id and a.started_at = doomed.started_at returning 1 as gone
    `);
    const removed = rowsOf(result).length;
    rows += removed;
    if (removed < BATCH) break;
  }
  return { rows, partitions: dropped };
}
