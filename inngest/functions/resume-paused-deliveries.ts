import { resumeAllPausedDeliveries } from "@/lib/delivery/pause";
import { inngest } from "../client";

/**
 * The safety net for deliveries paused by billing, on Inngest: plan changes resume them at once, and this cron
 * resumes any whose resume failed half-way (the embedded engine runs the same sweep on a timer).
 */
export const resumePausedDeliveries = inngest.createFunction(
  { id: "resume-paused-deliveries", name: "Resume deliveries paused by billing", triggers: [{ cron: "*/5 * * * *" }] },
  async ({ step }) => step.run("resume", () => resumeAllPausedDeliveries()),
);
