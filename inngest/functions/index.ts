import { deliverWebhook } from "./deliver-webhook";
import { purgeLogs } from "./purge-logs";

/** Every Inngest function Herald serves at /api/inngest. */
export const functions = [deliverWebhook, purgeLogs];
