import { Inngest } from "inngest";

/**
 * Herald's Inngest client. The SDK reads its own configuration (INNGEST_DEV, INNGEST_BASE_URL, INNGEST_EVENT_KEY,
 * INNGEST_SIGNING_KEY); lib/env.ts picks the Inngest engine when any of the first three is set.
 */
export const inngest = new Inngest({ id: "herald" });
