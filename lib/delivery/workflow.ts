import type { Steps } from "@/lib/workflows/steps";
import { performAttempt } from "./attempt";
import { attemptOutcomeSchema, deliveryRunInputSchema, type AttemptOutcome } from "./run-input";

/** At most 1 + 10 retries per chain; the endpoint's own retry count decides inside each attempt step. */
const MAX_ATTEMPTS_PER_CHAIN = 11;
/** Throttle waits per attempt: two steps each, well inside Inngest's 1,000 steps per run (11 attempts). */
const MAX_THROTTLE_WAITS = 40;

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
    // No send slot yet (rate limit, or a receiver that pushed back): sleep, freeing the engine's slot, and ask again.
    // The last wait reserves its slot however far away it is, so a run never waits forever (nor past the steps
    // Inngest allows): after it, the attempt sends in the slot it holds.
    for (let wait = 1; last.outcome === "throttled"; wait += 1) {
      await steps.sleep(`throttle-${n}-${wait}`, last.delayMs ?? 0);
      const slotReserved = last.slotReserved === true;
      const reserveFar = wait >= MAX_THROTTLE_WAITS;
      last = attemptOutcomeSchema.parse(
        await steps.run(`attempt-${n}-${wait}`, () =>
          performAttempt({ deliveryId: input.deliveryId, attemptNumber: n, chainIndex, throttleWaits: wait, reserveFar, slotReserved }),
        ),
      );
    }
    if (last.outcome !== "retry") return last;
    await steps.sleep(`backoff-${n}`, last.delayMs ?? 0);
  }
  return last;
}
