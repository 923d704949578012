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
  /** Tells a resumed run or a redelivery apart from an earlier run that started at the same attempt. */
  resumeKey: z.string().optional(),
});

/** `webhook/endpoint.deactivated`: an endpoint was disabled or deleted; its waiting deliveries are cancelled. */
// Data: { endpointId }; the delivery function's cancelOn matches it on data.endpointId.
export const ENDPOINT_DEACTIVATED = "webhook/endpoint.deactivated";

/** `credentials/bulk.requested`: run the bulk issuance job of one accepted bulk issuance. */
export const BULK_ISSUANCE_REQUESTED = "credentials/bulk.requested";
export const bulkIssuanceRequestedData = z.object({ bulkIssuanceId: z.string() });

/** `email/message.requested`: send (or resend) one email of the outbox. */
export const EMAIL_REQUESTED = "email/message.requested";
export const emailRequestedData = z.object({
  emailId: z.string(),
  /** Tells a resend's run apart from the first one (and from other resends) of the same email. */
  runKey: z.string(),
  /** When the email was queued (ms): a row still missing long after this was purged, not uncommitted. */
  queuedAt: z.number(),
});
