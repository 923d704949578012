import { runBulkIssuanceWorkflow } from "@/lib/sources/bulk-issuance";
import { inngest } from "../client";
import { BULK_ISSUANCE_REQUESTED, bulkIssuanceRequestedData } from "../events";

/** The bulk issuance job on Inngest: the same workflow as on the embedded engine, with Inngest's `step`. */
export const issueCredentialsBulk = inngest.createFunction(
  {
    id: "issue-credentials-bulk",
    name: "Issue credentials in bulk",
    triggers: [{ event: BULK_ISSUANCE_REQUESTED }],
    concurrency: { key: "event.data.bulkIssuanceId", limit: 1 },
    retries: 5,
  },
  async ({ event, step }) => runBulkIssuanceWorkflow(bulkIssuanceRequestedData.parse(event.data), step),
);
