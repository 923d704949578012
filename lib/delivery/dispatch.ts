import { and, eq, inArray, sql } from "drizzle-orm";
import { getDb, type Db } from "@/db";
import { deliveries, workflowRuns } from "@/db/schema";
import { DELIVERY_REQUESTED, ENDPOINT_DEACTIVATED } from "@/inngest/events";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { cancelRuns, type EmbeddedEngine } from "@/lib/workflows/embedded-engine";
import { DELIVERY_WORKFLOW, type DeliveryRunInput } from "./run-input";

const globalStore = globalThis as typeof globalThis & { __heraldEngine?: EmbeddedEngine };

/** The embedded engine running in this process, if any (see lib/startup/engine.ts). */
export function localEngine(): EmbeddedEngine | undefined {
  return globalStore.__heraldEngine;
}

export function setLocalEngine(engine: EmbeddedEngine | undefined): void {
  globalStore.__heraldEngine = engine;
}

/**
 * A redelivery starts a new run of the same delivery; the chain's first attempt number keeps run ids apart, and a
 * run resumed after a billing pause adds its resume key (it may resume at the attempt where an earlier run paused),
 * as a redelivery adds its own (see {@link redeliveryKey}).
 */
export function runIdFor(run: DeliveryRunInput): string {
  return `${run.deliveryId}:${run.firstAttempt ?? 1}${run.resumeKey ? `:${run.resumeKey}` : ""}`;
}

/**
 * The key of a redelivery's run: a delivery cancelled before it recorded an attempt restarts at the same attempt
 * number as the chain that was cancelled, whose run (kept as `cancelled` by the embedded engine; its id seen within
 * 24 hours by Inngest) would otherwise swallow the new one, leaving the delivery pending for ever.
 */
export function redeliveryKey(now = new Date()): string {
  return `d${now.getTime().toString(36)}`;
}

/**
 * The embedded engine's row for a delivery run: limited per endpoint (its concurrency key) and per organization
 * (its group, read from the endpoint in the same statement); ordered when the endpoint is (a redelivery or a resumed
 * run is a new run: it goes to the back of an ordered endpoint's queue).
 */
export function deliveryRunRow(run: DeliveryRunInput) {
  return {
    id: runIdFor(run),
    workflow: DELIVERY_WORKFLOW,
    input: { ...run },
    concurrencyKey: run.endpointId,
    groupKey: sql<string>`(select organization_id from webhook_endpoints where id = ${run.endpointId})`,
    ordered: sql<boolean>`coalesce((select ordered from webhook_endpoints where id = ${run.endpointId}), false)`,
  };
}

/**
 * An endpoint switched ordered delivery on or off: its waiting runs follow (in the order they were stored). Switched
 * off, runs set aside behind the queue head are due at once.
 */
export async function setEndpointRunsOrdered(tx: Pick<Db, "update">, endpointId: string, ordered: boolean): Promise<void> {
  await tx
    .update(workflowRuns)
    .set({
      ordered,
      ...(ordered ? {} : { wakeAt: sql`case when ${workflowRuns.status} = 'queued' then least(${workflowRuns.wakeAt}, now()) else ${workflowRuns.wakeAt} end` }),
      updatedAt: new Date(),
    })
    .where(
      and(eq(workflowRuns.workflow, DELIVERY_WORKFLOW), eq(workflowRuns.concurrencyKey, endpointId), inArray(workflowRuns.status, ["queued", "sleeping"])),
    );
}

/** Stores a run for the embedded engine (publishing stores its runs itself, in the same statement). */
export async function enqueueDeliveryRun(run: DeliveryRunInput): Promise<void> {
  if (env.delivery.engine !== "embedded") return;
  const db = await getDb();
  await db.insert(workflowRuns).values(deliveryRunRow(run)).onConflictDoNothing();
}

/** After the commit: wake the local embedded engine, or send the runs to Inngest. */
export async function startDeliveryRuns(runs: DeliveryRunInput[]): Promise<void> {
  if (runs.length === 0) return;
  if (env.delivery.engine === "embedded") {
    localEngine()?.wake();
    return;
  }
  const { inngest } = await import("@/inngest/client");
  await inngest.send(
    runs.map((r) => ({
      // The event id de-duplicates a repeated send of the same run for 24 hours.
      id: runIdFor(r),
      name: DELIVERY_REQUESTED,
      data: {
        deliveryId: r.deliveryId,
        endpointId: r.endpointId,
        firstAttempt: r.firstAttempt ?? 1,
        ...(r.firstChainIndex ? { firstChainIndex: r.firstChainIndex } : {}),
        ...(r.resumeKey ? { resumeKey: r.resumeKey } : {}),
      },
    })),
  );
}

/**
 * An endpoint was switched off, deleted or disabled by Herald: every delivery of it that has not finished ends now
 * as `cancelled`, the one mid-attempt included (that attempt is still recorded when it returns; if the endpoint
 * acknowledged it, the delivery becomes `succeeded`, see recordAttempts). Cancelled deliveries can be redelivered,
 * one by one or with "Redeliver failed since".
 */
export async function cancelEndpointDeliveries(endpointId: string): Promise<void> {
  const db = await getDb();
  await db
    .update(deliveries)
    .set({ status: "cancelled", nextAttemptAt: null, completedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(deliveries.endpointId, endpointId), inArray(deliveries.status, ["pending", "delivering"])));
  if (env.delivery.engine === "embedded") {
    await cancelRuns(db, DELIVERY_WORKFLOW, endpointId);
  } else {
    const { inngest } = await import("@/inngest/client");
    await inngest.send({ name: ENDPOINT_DEACTIVATED, data: { endpointId } }).catch((error: unknown) => {
      // Deliveries are already cancelled in the database; each run also checks the endpoint before sending.
      logger.warn("could not tell Inngest about a deactivated endpoint", { endpointId, error });
    });
  }
}
