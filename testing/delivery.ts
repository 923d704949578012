import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { deliveries, workflowRuns } from "@/db/schema";

const poll = () => new Promise((r) => setTimeout(r, 25));

/** Waits until a delivery reaches a final status (succeeded, failed or cancelled) and returns its row. */
export async function waitForDelivery(deliveryId: string, timeoutMs = 15_000) {
  const db = await getDb();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await db.select().from(deliveries).where(eq(deliveries.id, deliveryId));
    if (row && ["succeeded", "failed", "cancelled"].includes(row.status)) return row;
    if (Date.now() > deadline) throw new Error(`delivery ${deliveryId} still ${row?.status} after ${timeoutMs} ms`);
    await poll();
  }
}

/**
 * Waits until the embedded engine has finished a workflow run (call it once the run is stored). A delivery's final status is recorded before the
 * endpoint's failure count, so read endpoint state after this, not after waitForDelivery.
 */
export async function waitForRun(runId: string, timeoutMs = 10_000): Promise<void> {
  const db = await getDb();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [run] = await db.select({ status: workflowRuns.status }).from(workflowRuns).where(eq(workflowRuns.id, runId));
    // A completed run is deleted when it finishes (see EmbeddedEngine.settle): gone means done.
    if (!run || ["completed", "failed", "cancelled"].includes(run.status)) return;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run?.status} after ${timeoutMs} ms`);
    await poll();
  }
}
