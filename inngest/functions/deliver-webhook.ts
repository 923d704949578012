import { env } from "@/lib/env";
import { runDeliveryWorkflow } from "@/lib/delivery/workflow";
import { inngest } from "../client";
import { DELIVERY_REQUESTED, deliveryRequestedData, ENDPOINT_DEACTIVATED } from "../events";

/**
 * The delivery workflow on Inngest: the same `runDeliveryWorkflow` as the embedded engine, with Inngest's `step`.
 * Inngest adds durability across machines, retries of a crashed step, and per-endpoint concurrency.
 */
export const deliverWebhook = inngest.createFunction(
  {
    id: "deliver-webhook",
    name: "Deliver a webhook",
    triggers: [{ event: DELIVERY_REQUESTED }],
    concurrency: { key: "event.data.endpointId", limit: env.delivery.concurrencyPerEndpoint },
    cancelOn: [{ event: ENDPOINT_DEACTIVATED, match: "data.endpointId" }],
    // Attempts and backoff are the workflow's own steps; these retries only cover a step that crashed.
    retries: 5,
  },
  async ({ event, step }) => {
    const input = deliveryRequestedData.parse(event.data);
    return runDeliveryWorkflow(input, step);
  },
);
