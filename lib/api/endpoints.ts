import { z } from "zod";
import { alertEmailsSchema } from "@/app/(portal)/webhooks/schemas";
import type { EndpointView } from "@/lib/endpoints/operations";

/** An endpoint as the public API answers it: its settings (never its secret or header values) and its health. */
export const endpointResourceSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(z.string()).nullable().describe("null: every event type."),
  active: z.boolean(),
  timeoutSeconds: z.number().int(),
  maxRetries: z.number().int(),
  ordered: z.boolean().describe("Ordered delivery: one event at a time, in the order they were published."),
  signatureScheme: z.enum(["v1", "v1a"]),
  health: z.object({
    state: z.enum(["healthy", "failing", "disabled"]),
    changedAt: z.string().nullable(),
    failingSince: z.string().nullable().describe("The first failed attempt after the last success."),
    failedAttempts: z.number().int().describe("Failed attempts since failingSince, retries included."),
    failedDeliveriesInARow: z.number().int().describe("50 disables the endpoint."),
    lastFailure: z
      .object({ at: z.string(), status: z.number().int().nullable(), errorClass: z.string().nullable(), deliveryId: z.string() })
      .nullable(),
    disabledCause: z.enum(["gone", "consecutive_failures", "failing_too_long", "person"]).nullable(),
    disabledReason: z.string().nullable(),
    disabledAt: z.string().nullable(),
  }),
  alertEmails: z.array(z.string()).describe("Extra addresses that get the endpoint's alerts, beside the organization's owners."),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type EndpointResource = z.infer<typeof endpointResourceSchema>;

export const endpointListSchema = z.object({ data: z.array(endpointResourceSchema) });

/** PATCH /api/v1/endpoints/{id}: what the API changes on an endpoint (its alert recipients, ordered delivery). */
export const updateEndpointRequestSchema = z
  .object({
    alertEmails: alertEmailsSchema.describe("Up to 10 addresses; replaces the list ([] clears it).").optional(),
    ordered: z
      .boolean({ error: "ordered must be true or false." })
      .describe("Ordered delivery: one event at a time, in publishing order; the next waits until the one before finished.")
      .optional(),
  })
  .strict()
  .refine((b) => b.alertEmails !== undefined || b.ordered !== undefined, { message: "Send alertEmails, ordered, or both." });

export function toEndpointResource(e: EndpointView): EndpointResource {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    eventTypes: e.eventTypes,
    active: e.active,
    timeoutSeconds: e.timeoutSeconds,
    maxRetries: e.maxRetries,
    ordered: e.ordered,
    signatureScheme: e.signatureScheme,
    health: {
      state: e.health,
      changedAt: e.healthChangedAt,
      failingSince: e.failingSince,
      failedAttempts: e.failedAttempts,
      failedDeliveriesInARow: e.consecutiveFailures,
      lastFailure: e.lastFailure,
      disabledCause: e.disabledCause,
      disabledReason: e.disabledReason,
      disabledAt: e.disabledAt,
    },
    alertEmails: e.alertEmails,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}
