import { sql } from "drizzle-orm";
import { getDb, rowsOf } from "@/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";

const DAY = 24 * 60 * 60 * 1000;

/**
 * Deletes emails older than EMAIL_RETENTION_DAYS (30): their rows hold links with live tokens until those expire, and
 * nobody needs an old invitation's text. Emails still being sent are kept.
 */
export async function purgeOldEmails(now = new Date()): Promise<{ emails: number }> {
  const db = await getDb();
  const cutoff = new Date(now.getTime() - env.email.retentionDays * DAY).toISOString();
  const result = await db.execute(sql`delete from emails where created_at < ${cutoff}::timestamptz and status <> 'queued' returning 1 as gone`);
  const removed = rowsOf(result).length;
  if (removed > 0) logger.info("purged old emails", { emails: removed, retentionDays: env.email.retentionDays });
  return { emails: removed };
}
