import { runSourceJobs } from "@/lib/sources/scheduler";
import { inngest } from "../client";

/** Credential expiry and the outbox sweep on Inngest: every minute, as the embedded scheduler does it. */
export const expireCredentials = inngest.createFunction(
  { id: "expire-credentials", name: "Announce expired credentials", triggers: [{ cron: "* * * * *" }] },
  async ({ step }) => step.run("expire", () => runSourceJobs()),
);
