import { z } from "zod";

/** `webhook/delivery.requested`: start (or, for a redelivery, restart) the delivery workflow of one delivery. */
export const DELIVERY_REQUESTED = "webhook/delivery.requested";
export const deliveryRequestedData = z.object({
  deliveryId: z.string(),
  endpointId: z.string(),
  firstAttempt: z.number().int().min(1),
});

/** `webhook/endpoint.deactivated`: an endpoint was disabled or deleted; its waiting deliveries are cancelled. */
// Data: { endpointId }; the delivery function's cancelOn matches it on data.endpointId.
export const ENDPOINT_DEACTIVATED = "webhook/endpoint.deactivated";
