import { z } from "zod";

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
  /** Set on a resumed run and on a redelivery, so that its run id differs from an earlier run's (see runIdFor). */
  resumeKey: z.string().optional(),
});
export type DeliveryRunInput = z.input<typeof deliveryRunInputSchema>;

/** What each attempt step returns (and what a replay reads back as JSON). */
export const attemptOutcomeSchema = z.object({
  /** "paused": the organization may not deliver right now; the run ends and lib/delivery/pause.ts resumes it later. */
  /** "throttled": nothing was sent (no send slot for a while); the same attempt runs again after `delayMs`. */
  outcome: z.enum(["succeeded", "retry", "failed", "cancelled", "paused", "throttled"]),
  /** For "retry" and "throttled": how long to wait before the next attempt. */
  delayMs: z.number().int().min(0).optional(),
  /** For "throttled": a send slot is reserved at the end of `delayMs`; the next step sends without taking one. */
  slotReserved: z.boolean().optional(),
});
export type AttemptOutcome = z.infer<typeof attemptOutcomeSchema>;
