import { sql } from "drizzle-orm";
import { getDb, rowsOf } from "@/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";

const BATCH = 5000;
const DAY = 24 * 60 * 60 * 1000;

/**
 * Deletes audit events older than AUDIT_RETENTION_DAYS, in batches: the one deletion the audit log allows. The
 * table's trigger refuses every DELETE unless the transaction set `herald.audit_purge`, which only this does.
 */
export async function purgeOldAuditEvents(now = new Date()): Promise<{ auditEvents: number }> {
  const db = await getDb();
  const cutoff = new Date(now.getTime() - env.auditRetentionDays * DAY).toISOString();
  let removed = 0;
  for (;;) {
    const gone = await db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('herald.audit_purge', 'on', true)`);
      const result = await tx.execute(sql`
        with doomed as (select id from audit_events where created_at < ${cutoff}::timestamptz limit ${BATCH})
        delete from audit_events where id in (select id from doomed) returning 1 as gone
      `);
      return rowsOf(result).length;
    });
    removed += gone;
    if (gone < BATCH) break;
  }
  if (removed > 0) logger.info("purged old audit events", { auditEvents: removed, retentionDays: env.auditRetentionDays });
  return { auditEvents: removed };
}
