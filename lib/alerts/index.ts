import { onNoticesWritten, sweepDisablingSoon } from "@/lib/delivery/health";
import { logger } from "@/lib/logger";
import { drainNotices } from "./drain";

/**
 * Partner alerts and operational webhooks: the drain of endpoint notices, run when a change writes notices (in the
 * process that wrote them) and by a periodic sweep (workers on the embedded engine; the `drain-endpoint-notices`
 * Inngest function otherwise), which also warns endpoints nearing the 3-day limit and takes over a crashed drain's
 * notices.
 */

export const NOTICE_SWEEP_MS = 30_000;

const globalStore = globalThis as typeof globalThis & {
  __heraldAlerts?: { running?: Promise<void>; again: boolean; timer?: NodeJS.Timeout };
};

function state() {
  globalStore.__heraldAlerts ??= { again: false };
  return globalStore.__heraldAlerts;
}

/** Drains until nothing waits; one drain at a time per process (a request during one runs another after it). */
export function requestDrain(): Promise<void> {
  const s = state();
  if (s.running) {
    s.again = true;
    return s.running;
  }
  s.running = (async () => {
    try {
      do {
        s.again = false;
        while ((await drainNotices()) > 0) {
          // Keep going while full batches come back.
        }
      } while (s.again);
    } catch (error) {
      logger.error("endpoint notice drain failed", { error });
    } finally {
      s.running = undefined;
    }
  })();
  return s.running;
}

/** One sweep: the time-based "about to be disabled" warnings, then the drain. */
export async function sweepEndpointNotices(): Promise<void> {
  try {
    await sweepDisablingSoon();
  } catch (error) {
    logger.error("disabling-soon sweep failed", { error });
  }
  await requestDrain();
}

/** Drains notices as soon as this process writes them. Every process that changes endpoints calls it (cheap). */
export function listenForNotices(): void {
  onNoticesWritten(() => {
    void requestDrain();
  });
}

/** Starts the periodic sweep in this process (a delivery worker on the embedded engine). */
export function scheduleNoticeSweep(everyMs = NOTICE_SWEEP_MS): void {
  const s = state();
  if (s.timer) return;
  listenForNotices();
  s.timer = setInterval(() => void sweepEndpointNotices(), everyMs);
  s.timer.unref();
  void sweepEndpointNotices();
}

/** Stops the sweep and waits for a drain in flight. */
export async function stopNoticeSweep(): Promise<void> {
  const s = state();
  clearInterval(s.timer);
  s.timer = undefined;
  await s.running;
}
