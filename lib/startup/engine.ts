import { getDb, getDeliveryDb } from "@/db";
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
import { listenForNotices, scheduleNoticeSweep, stopNoticeSweep } from "@/lib/alerts";
import { DELIVERY_WORKFLOW } from "@/lib/delivery/run-input";
import { runDeliveryWorkflow } from "@/lib/delivery/workflow";

/**
 * Starts this process's embedded delivery engine (once) when the embedded engine is configured and this process
 * is a worker. Called from instrumentation.ts, the worker script and tests.
 */
export async function startDeliveryEngine(
  overrides: { leaseMs?: number; pollMs?: number; stepTimeoutMs?: number; concurrencyPerOrganization?: number } = {},
): Promise<EmbeddedEngine | undefined> {
  if (env.delivery.allowPrivateTargets) {
    logger.warn("WEBHOOK_ALLOW_PRIVATE_TARGETS is on: endpoints may reach private and loopback addresses. Never use this in production.");
  }
  // Every process drains the alert notices it writes itself; workers also sweep for the rest (below).
  listenForNotices();
  if (env.delivery.engine !== "embedded") {
    logger.info("deliveries run on Inngest");
    return undefined;
  }
  if (!env.delivery.worker) return undefined;
  const existing = localEngine();
  if (existing) return existing;
  const engine = new EmbeddedEngine({
    db: await getDb(),
    settleDb: await getDeliveryDb(),
    workflows: {
      [DELIVERY_WORKFLOW]: runDeliveryWorkflow,
      [BULK_ISSUANCE_WORKFLOW]: runBulkIssuanceWorkflow,
      [SEND_EMAIL_WORKFLOW]: runSendEmailWorkflow,
    },
    concurrency: env.delivery.concurrency,
    concurrencyPerKey: env.delivery.concurrencyPerEndpoint,
    concurrencyPerGroup: overrides.concurrencyPerOrganization ?? env.delivery.concurrencyPerOrganization,
    stepTimeoutMs: overrides.stepTimeoutMs ?? env.delivery.stepTimeoutMs,
    pollMs: overrides.pollMs ?? env.delivery.pollMs,
    leaseMs: overrides.leaseMs ?? env.delivery.leaseMs,
  });
  setLocalEngine(engine);
  engine.start();
  scheduleRetention();
  scheduleHousekeeping();
  scheduleSourceJobs();
  scheduleResumeSweep();
  scheduleNoticeSweep();
  return engine;
}

/**
 * Stops the engine: no new claims; runs in flight get `drainMs` to finish (unbounded when omitted, as tests want),
 * then are handed back to other processes (see EmbeddedEngine.stop).
 */
export async function stopDeliveryEngine(options: { drainMs?: number } = {}): Promise<void> {
  const engine = localEngine();
  setLocalEngine(undefined);
  stopSourceJobs();
  stopHousekeeping();
  stopResumeSweep();
  await stopNoticeSweep();
  await engine?.stop(options);
}

/**
 * SIGTERM/SIGINT: stop within a bounded time whatever is in flight. The engine drains for DELIVERY_DRAIN_MS and
 * hands back what is left, then `onStopped` runs (the worker closes its database and exits); a second signal, or a
 * drain that itself hangs (the database gone), exits at once. In the web process Next.js has its own handler,
 * which exits once its HTTP server has closed; this one lets deliveries in flight finish or be handed back first
 * if there is time, and bounds the whole stop if Next.js does not exit.
 */
export function stopOnSignals(onStopped: (signal: NodeJS.Signals) => Promise<void> | void): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.exit(signal === "SIGINT" ? 130 : 143);
      return;
    }
    stopping = true;
    logger.info("stopping: deliveries in flight get a bounded time to finish", { signal, drainMs: env.delivery.drainMs });
    // Past the drain plus time to release leases and close the pool, stop regardless.
    setTimeout(() => process.exit(signal === "SIGINT" ? 130 : 143), env.delivery.drainMs + 5_000).unref();
    void (async () => {
      try {
        await stopDeliveryEngine({ drainMs: env.delivery.drainMs });
      } catch (error) {
        logger.error("stopping the delivery engine failed", { error });
      }
      await onStopped(signal);
    })();
  };
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
}
