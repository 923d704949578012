import { Inngest } from "inngest";

/**
 * Herald's Inngest client. The SDK reads its own configuration (INNGEST_DEV, INNGEST_BASE_URL, INNGEST_EVENT_KEY,
 * INNGEST_SIGNING_KEY). Delivery functions and the /api/inngest route arrive with durable delivery; until then
 * nothing is sent through it.
 */
export const inngest = new Inngest({ id: "herald" });
