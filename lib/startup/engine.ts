import { getDb } from "@/db";
import { scheduleResumeSweep, stopResumeSweep } from "@/lib/delivery/pause";
import { SEND_EMAIL_WORKFLOW } from "@/lib/email/constants";
import { runSendEmailWorkflow } from "@/lib/email/workflow";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { BULK_ISSUANCE_WORKFLOW, runBulkIssuanceWorkflow } from "@/lib/sources/bulk-issuance";
import { scheduleSourceJobs, stopSourceJobs } from "@/lib/sources/scheduler";
import { EmbeddedEngine } from "@/lib/workflows/embedded-engine";
import { localEngine, setLocalEngine } from "@/lib/delivery/dispatch";
import { scheduleRetention } from "@/lib/delivery/retention";
import { scheduleHousekeeping, stopHousekeeping } from "./housekeeping";
import { DELIVERY_WORKFLOW } from "@/lib/delivery/run-input";
import { runDeliveryWorkflow } from "@/lib/delivery/workflow";

/**
 * Starts this process's embedded delivery engine (once) when the embedded engine is configured and this process
 * is a worker. Called from instrumentation.ts, the worker script and tests.
 */
export async function startDeliveryEngine(overrides: { leaseMs?: number; pollMs?: number } = {}): Promise<EmbeddedEngine | undefined> {
  if (env.delivery.allowPrivateTargets) {
    logger.warn("WEBHOOK_ALLOW_PRIVATE_TARGETS is on: endpoints may reach private and loopback addresses. Never use this in production.");
  }
  if (env.delivery.engine !== "embedded") {
    logger.info("deliveries run on Inngest");
    return undefined;
  }
  if (!env.delivery.worker) return undefined;
  const existing = localEngine();
  if (existing) return existing;
  const engine = new EmbeddedEngine({
    db: await getDb(),
    workflows: {
      [DELIVERY_WORKFLOW]: runDeliveryWorkflow,
      [BULK_ISSUANCE_WORKFLOW]: runBulkIssuanceWorkflow,
      [SEND_EMAIL_WORKFLOW]: runSendEmailWorkflow,
    },
    concurrency: env.delivery.concurrency,
    concurrencyPerKey: env.delivery.concurrencyPerEndpoint,
    pollMs: overrides.pollMs ?? env.delivery.pollMs,
    leaseMs: overrides.leaseMs ?? env.delivery.leaseMs,
  });
  setLocalEngine(engine);
  engine.start();
  scheduleRetention();
  scheduleHousekeeping();
  scheduleSourceJobs();
  scheduleResumeSweep();
  return engine;
}

export async function stopDeliveryEngine(): Promise<void> {
  const engine = localEngine();
  setLocalEngine(undefined);
  stopSourceJobs();
  stopHousekeeping();
  stopResumeSweep();
  await engine?.stop();
}
