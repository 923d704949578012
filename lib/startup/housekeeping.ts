import { purgeOldAuditEvents } from "@/lib/audit/retention";
import { purgeOldEmails } from "@/lib/email/retention";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { purgeOldPortalLinks } from "@/lib/platform/portal-sessions";

const HOUR = 60 * 60 * 1000;
const globalStore = globalThis as typeof globalThis & { __heraldHousekeeping?: NodeJS.Timeout };

/**
 * One hourly pass: old audit events (AUDIT_RETENTION_DAYS), old emails (EMAIL_RETENTION_DAYS) and magic links a day
 * past their expiry.
 */
export async function runHousekeeping(now = new Date()): Promise<{ auditEvents: number; emails: number; portalLinks: number }> {
  const [audit, emails, links] = await Promise.all([purgeOldAuditEvents(now), purgeOldEmails(now), purgeOldPortalLinks(now)]);
  return { ...audit, ...emails, ...links };
}

/**
 * The embedded scheduler for the audit log's and the outbox's retention (Inngest runs them in `purge-logs`), and a
 * word on the email set-up, once, at start.
 */
export function scheduleHousekeeping(): void {
  if (globalStore.__heraldHousekeeping) return;
  if (!env.email.smtpUrl) {
    logger.info("SMTP_URL is not set: emails are kept, not sent (see Admin -> Emails, and this log for their links in development)");
  } else if (env.isProduction && !env.email.appUrlConfigured) {
    logger.warn(`APP_URL is not set: links in emails point at ${env.email.appUrl}. Set APP_URL to the portal's public URL.`);
  }
  const run = () => runHousekeeping().catch((error: unknown) => logger.error("housekeeping failed", { error }));
  const first = setTimeout(() => {
    void run();
    globalStore.__heraldHousekeeping = setInterval(() => void run(), HOUR);
    globalStore.__heraldHousekeeping.unref();
  }, 60_000);
  first.unref();
  globalStore.__heraldHousekeeping = first;
}

export function stopHousekeeping(): void {
  clearTimeout(globalStore.__heraldHousekeeping);
  clearInterval(globalStore.__heraldHousekeeping);
  globalStore.__heraldHousekeeping = undefined;
}
