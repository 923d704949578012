import { z } from "zod";
import { alertEmailsSchema, endpointFieldsSchema } from "@/app/(portal)/webhooks/schemas";
import { OPERATIONAL_EVENT_TYPES } from "@/lib/events/operational";

/**
 * The operational webhook schemas: one definition for Admin -> Operational webhooks' actions and the platform API's
 * routes (to come). The URL, description and timeout rules are a partner endpoint's.
 */

export const operationalEndpointIdSchema = z
  .string({ error: "Operational webhook not found." })
  .regex(/^ep_[0-9a-z]{20}$/, "Operational webhook not found.");

const eventTypesSchema = z.union(
  [
    z.literal("all"),
    z
      .array(z.enum(OPERATIONAL_EVENT_TYPES, { error: "Choose operational event types from the catalog." }))
      .min(1, "Choose at least one event, or All events.")
      .transform((types) => [...new Set(types)]),
  ],
  { error: "Choose at least one event, or All events." },
);

/** A `whsec_` secret the platform already uses, or empty to have Herald generate one. */
const secretSchema = z
  .string()
  .trim()
  .max(200)
  .refine((s) => {
    if (s === "") return true;
    if (!/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/.test(s)) return false;
    const bytes = Buffer.from(s.slice("whsec_".length), "base64").length;
    return bytes >= 24 && bytes <= 64;
  }, "A secret is whsec_ followed by base64 (24 to 64 bytes), or leave it empty.");

const fields = {
  url: endpointFieldsSchema.shape.url,
  description: endpointFieldsSchema.shape.description,
  eventTypes: eventTypesSchema.default("all"),
  timeoutSeconds: endpointFieldsSchema.shape.timeoutSeconds,
  maxRetries: endpointFieldsSchema.shape.maxRetries,
  active: z.boolean({ error: "Active must be on or off." }).default(true),
  /** Who hears when the operational webhook itself fails (it has no owners). */
  alertEmails: alertEmailsSchema.default([]),
};

export const createOperationalEndpointSchema = z.object({ ...fields, secret: secretSchema.default("") });
export type CreateOperationalEndpointInput = z.input<typeof createOperationalEndpointSchema>;

export const updateOperationalEndpointSchema = z.object({ id: operationalEndpointIdSchema, ...fields });
export type UpdateOperationalEndpointInput = z.input<typeof updateOperationalEndpointSchema>;

export const operationalEndpointRefSchema = z.object({ id: operationalEndpointIdSchema });
