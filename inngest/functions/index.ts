import { deliverWebhook } from "./deliver-webhook";
import { drainEndpointNotices } from "./drain-endpoint-notices";
import { expireCredentials } from "./expire-credentials";
import { issueCredentialsBulk } from "./issue-credentials-bulk";
import { purgeLogs } from "./purge-logs";
import { resumePausedDeliveries } from "./resume-paused-deliveries";
import { sendEmail } from "./send-email";

/** Every Inngest function Herald serves at /api/inngest. */
export const functions = [deliverWebhook, purgeLogs, issueCredentialsBulk, expireCredentials, resumePausedDeliveries, sendEmail, drainEndpointNotices];
