import { purgeOldLogs } from "@/lib/delivery/retention";
import { runHousekeeping } from "@/lib/startup/housekeeping";
import { inngest } from "../client";

/** Retention on Inngest: hourly, as the embedded engine's scheduler does it (delivery logs, audit events, emails). */
export const purgeLogs = inngest.createFunction(
  { id: "purge-logs", name: "Purge old delivery logs", triggers: [{ cron: "17 * * * *" }] },
  async ({ step }) => {
    const logs = await step.run("purge", () => purgeOldLogs());
    const housekeeping = await step.run("purge-audit-and-emails", () => runHousekeeping());
    return { ...logs, ...housekeeping };
  },
);
