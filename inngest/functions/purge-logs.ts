import { purgeOldLogs } from "@/lib/delivery/retention";
import { inngest } from "../client";

/** Retention on Inngest: hourly, as the embedded engine's scheduler does it. */
export const purgeLogs = inngest.createFunction(
  { id: "purge-logs", name: "Purge old delivery logs", triggers: [{ cron: "17 * * * *" }] },
  async ({ step }) => step.run("purge", () => purgeOldLogs()),
);
