import { sweepEndpointNotices } from "@/lib/alerts";
import { inngest } from "../client";

/**
 * Partner alerts and operational webhooks on Inngest: every minute, the sweep the embedded engine's workers run every
 * 30 seconds (warnings 12 hours before the 3-day limit, and notices no process has drained yet, e.g. after a crash).
 */
export const drainEndpointNotices = inngest.createFunction(
  { id: "drain-endpoint-notices", name: "Send endpoint alerts and operational events", triggers: [{ cron: "* * * * *" }] },
  async ({ step }) => {
    await step.run("sweep", () => sweepEndpointNotices());
  },
);
