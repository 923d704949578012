import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { expireDueCredentials } from "./credentials";
import { flushOutbox } from "./outbox";

/**
 * The event sources' periodic work: announce credentials past their expiration date, and publish outbox events a
 * crash left behind (older than 30 s, so requests still publishing their own are left alone).
 */
export async function runSourceJobs(now = new Date()): Promise<{ expired: number; swept: number }> {
  const expired = await expireDueCredentials(now);
  const swept = (await flushOutbox({ olderThanMs: 30_000 })).size;
  if (expired + swept > 0) logger.info("event source jobs", { expired, swept });
  return { expired, swept };
}

const globalStore = globalThis as typeof globalThis & { __heraldSourceJobs?: NodeJS.Timeout };

/** The embedded scheduler for runSourceJobs (Inngest runs the `expire-credentials` cron instead). */
export function scheduleSourceJobs(): void {
  if (globalStore.__heraldSourceJobs) return;
  let running = false;
  globalStore.__heraldSourceJobs = setInterval(() => {
    if (running) return;
    running = true;
    runSourceJobs()
      .catch((error: unknown) => logger.error("event source jobs failed", { error }))
      .finally(() => (running = false));
  }, env.credentialExpiryIntervalMs);
  globalStore.__heraldSourceJobs.unref();
}

export function stopSourceJobs(): void {
  clearInterval(globalStore.__heraldSourceJobs);
  globalStore.__heraldSourceJobs = undefined;
}
