import { z } from "zod";

/**
 * `webhook/delivery.requested`: start (or, for a redelivery or a delivery resumed after a billing pause, restart)
 * the delivery workflow of one delivery.
 */
export const DELIVERY_REQUESTED = "webhook/delivery.requested";
export const deliveryRequestedData = z.object({
  deliveryId: z.string(),
  endpointId: z.string(),
  firstAttempt: z.number().int().min(1),
  /** A resumed delivery continues its chain: the attempt's place in it decides the retries left. */
  firstChainIndex: z.number().int().min(1).optional(),
  /** Tells a resumed run apart from the run that paused at the same attempt. */
  resumeKey: z.string().optional(),
});

/** `webhook/endpoint.deactivated`: an endpoint was disabled or deleted; its waiting deliveries are cancelled. */
// Data: { endpointId }; the delivery function's cancelOn matches it on data.endpointId.
export const ENDPOINT_DEACTIVATED = "webhook/endpoint.deactivated";

/** `credentials/bulk.requested`: run the bulk issuance job of one accepted bulk issuance. */
export const BULK_ISSUANCE_REQUESTED = "credentials/bulk.requested";
export const bulkIssuanceRequestedData = z.object({ bulkIssuanceId: z.string() });
