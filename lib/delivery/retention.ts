import { sql } from "drizzle-orm";
import { getDb, rowsOf, type Db } from "@/db";
import { ensureAttemptPartitions, purgeAttemptPartitions } from "@/db/partitions";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";

/** Failed sign-ins only matter inside the throttling window; a day is plenty. */
const LOGIN_ATTEMPTS_KEPT_MS = 24 * 60 * 60 * 1000;
/**
 * Received Stripe events are kept 180 days for the admin. Dropping older ones cannot let a replay through: Stripe's
 * signature tolerance refuses any event signed more than 5 minutes ago.
 */
const STRIPE_EVENTS_KEPT_MS = 180 * 24 * 60 * 60 * 1000;

/**
 * Purges delivery attempts older than LOG_RETENTION_DAYS (whole day partitions, so an attempt may stay up to a day
 * longer; see db/partitions.ts), the embedded engine's failed and cancelled runs as old, and sign-in attempts older
 * than a day. Deletes in batches so that a large backlog never holds long locks; safe to run from several processes
 * at once.
 */
export async function purgeOldLogs(
  now = new Date(),
): Promise<{ attempts: number; loginAttempts: number; stripeEvents: number; workflowRuns: number }> {
  const db = await getDb();
  const cutoff = new Date(now.getTime() - env.logRetentionDays * 24 * 60 * 60 * 1000);
  // Day partitions ahead first (so the next days' attempts never pile up in the DEFAULT partition), then whole days
  // past the cutoff are dropped; see db/partitions.ts.
  await ensureAttemptPartitions(db, { now });
  const { rows: attempts } = await purgeAttemptPartitions(db, cutoff);
  const logins = await db.execute(sql`
    delete from login_attempts where created_at < ${new Date(now.getTime() - LOGIN_ATTEMPTS_KEPT_MS).toISOString()}::timestamptz
    returning 1 as gone
  `);
  const loginAttempts = rowsOf(logins).length;
  const stripe = await db.execute(sql`
    delete from stripe_events where received_at < ${new Date(now.getTime() - STRIPE_EVENTS_KEPT_MS).toISOString()}::timestamptz
    returning 1 as gone
  `);
  const stripeEvents = rowsOf(stripe).length;
  const workflowRuns = await purgeFinishedRuns(db, cutoff);
  if (attempts + loginAttempts + stripeEvents + workflowRuns > 0) {
    logger.info("purged old logs", { attempts, loginAttempts, stripeEvents, workflowRuns, retentionDays: env.logRetentionDays });
  }
  return { attempts, loginAttempts, stripeEvents, workflowRuns };
}

/** Runs deleted per statement, so that a large first purge (runs kept by earlier versions) never holds long locks. */
const PURGE_BATCH = 10_000;

/**
 * The embedded engine deletes a run when it completes. A run that failed (a crashed workflow, given up) or was
 * cancelled stays for diagnosis as long as the attempts do, then goes; completed runs left by versions that kept
 * them go at once. Their steps go with them, in the same statement.
 */
async function purgeFinishedRuns(db: Db, cutoff: Date): Promise<number> {
  let purged = 0;
  for (;;) {
    const result = await db.execute(sql`
      with gone as (
        delete from workflow_runs where id in (
          select id from workflow_runs
          where status = 'completed' or (status in ('failed', 'cancelled') and updated_at < ${cutoff.toISOString()}::timestamptz)
          limit ${PURGE_BATCH}
        )
        returning id
      ),
      steps as (
        delete from workflow_steps where run_id in (select id from gone)
      )
      select 1 as gone from gone
    `);
    const n = rowsOf(result).length;
    purged += n;
    if (n < PURGE_BATCH) break;
  }
  // Steps whose run is gone without them (a process of an earlier version, which relied on a cascading key, deleted
  // it during a rolling deploy). Only suspended runs have steps, so this table stays small.
  await db.execute(sql`delete from workflow_steps s where not exists (select 1 from workflow_runs r where r.id = s.run_id)`);
  return purged;
}

const HOUR = 60 * 60 * 1000;
const globalStore = globalThis as typeof globalThis & { __heraldRetention?: NodeJS.Timeout };

/** The embedded scheduler: purge a minute after start, then hourly (Inngest runs `purge-logs` on a cron instead). */
export function scheduleRetention(): void {
  if (globalStore.__heraldRetention) return;
  const run = () => purgeOldLogs().catch((error: unknown) => logger.error("purging old logs failed", { error }));
  const first = setTimeout(() => {
    void run();
    globalStore.__heraldRetention = setInterval(() => void run(), HOUR);
    globalStore.__heraldRetention.unref();
  }, 60_000);
  first.unref();
  globalStore.__heraldRetention = first;
}
