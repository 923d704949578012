import { SEND_EMAIL_WORKFLOW } from "@/lib/email/constants";
import { runSendEmailWorkflow } from "@/lib/email/workflow";
import { inngest } from "../client";
import { EMAIL_REQUESTED, emailRequestedData } from "../events";

/**
 * Sending an email on Inngest: the same workflow as on the embedded engine, with Inngest's `step`. Its attempts and
 * backoff are the workflow's own; `retries` covers a step that crashed (e.g. the row not yet committed).
 */
export const sendEmail = inngest.createFunction(
  {
    id: SEND_EMAIL_WORKFLOW,
    name: "Send an email",
    triggers: [{ event: EMAIL_REQUESTED }],
    concurrency: { key: "event.data.emailId", limit: 1 },
    retries: 5,
  },
  async ({ event, step }) => runSendEmailWorkflow(emailRequestedData.parse(event.data), step),
);
