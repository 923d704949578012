import { z } from "zod";
import type { Steps } from "@/lib/workflows/steps";
import { performAttempt } from "./attempt";

export const DELIVERY_WORKFLOW = "deliver-webhook";

/** The input of one delivery run: the delivery, and the attempt number its chain starts at (1, or later for a redelivery). */
export const deliveryRunInputSchema = z.object({
  deliveryId: z.string(),
  endpointId: z.string(),
  firstAttempt: z.number().int().min(1).default(1),
  /**
   * Where in its chain the first attempt stands: 1 for a new chain, later for a delivery resumed after a billing
   * pause (it keeps the retries it had left).
   */
  firstChainIndex: z.number().int().min(1).default(1),
  /** Set on a resumed run, so that its run id differs from the run that paused (see runIdFor). */
  resumeKey: z.string().optional(),
});
export type DeliveryRunInput = z.input<typeof deliveryRunInputSchema>;

/** What each attempt step returns (and what a replay reads back as JSON). */
export const attemptOutcomeSchema = z.object({
  /** "paused": the organization may not deliver right now; the run ends and lib/billing/pause.ts resumes it later. */
  outcome: z.enum(["succeeded", "retry", "failed", "cancelled", "paused"]),
  /** For "retry": how long to wait before the next attempt. */
  delayMs: z.number().int().min(0).optional(),
});
export type AttemptOutcome = z.infer<typeof attemptOutcomeSchema>;

/** At most 1 + 10 retries per chain; the endpoint's own retry count decides inside each attempt step. */
const MAX_ATTEMPTS_PER_CHAIN = 11;

/**
 * The delivery workflow, written once for both engines: step `attempt-<n>` sends and records one attempt and says
 * what comes next; step `backoff-<n>` sleeps before the following one. Results are returned, never thrown, so one
 * code path records every attempt under Inngest and under the embedded engine alike. A paused attempt ends the run
 * without sending or counting anything: holding a run open for a pause of weeks would cost a step per check.
 */
export async function runDeliveryWorkflow(rawInput: unknown, steps: Steps): Promise<AttemptOutcome> {
  const input = deliveryRunInputSchema.parse(rawInput);
  let last: AttemptOutcome = { outcome: "cancelled" };
  for (let chainIndex = input.firstChainIndex; chainIndex <= MAX_ATTEMPTS_PER_CHAIN; chainIndex += 1) {
    const n = input.firstAttempt + chainIndex - input.firstChainIndex;
    last = attemptOutcomeSchema.parse(
      await steps.run(`attempt-${n}`, () => performAttempt({ deliveryId: input.deliveryId, attemptNumber: n, chainIndex })),
    );
    if (last.outcome !== "retry") return last;
    await steps.sleep(`backoff-${n}`, last.delayMs ?? 0);
  }
  return last;
}
