import { z } from "zod";
import { env } from "@/lib/env";
import { eventTypeSchema } from "@/lib/events/catalog";
import {
  checkHeaderName,
  checkHeaderValue,
  duplicateHeaderMessage,
  findDuplicateHeaderNames,
  MAX_CUSTOM_HEADERS,
} from "@/lib/endpoints/headers";
import { SIGNATURE_SCHEMES } from "@/lib/endpoints/secret";
import { ROTATION_OVERLAPS } from "@/lib/endpoints/rotation-overlap";
import { checkEndpointUrl } from "@/lib/endpoints/url-guard";

/**
 * The endpoint schemas: one definition for the portal's form actions and the public API. Messages are written for
 * the person filling in the form; field paths (`headers.2.value`) tell the form where to show them.
 */

export const endpointIdSchema = z
  .string({ error: "Endpoint not found." })
  .regex(/^ep_[0-9a-z]{20}$/, "Endpoint not found.");

const urlSchema = z
  .string({ error: "Enter the endpoint URL." })
  .transform((value, ctx) => {
    const check = checkEndpointUrl(value, { allowPrivateTargets: env.delivery.allowPrivateTargets, developmentHint: !env.isProduction });
    if (!check.ok) {
      ctx.addIssue({ code: "custom", message: check.message });
      return z.NEVER;
    }
    return check.url;
  });

const headerSchema = z.object({
  /** Set for a header that is already saved: without a new value, the stored (encrypted) value is kept. */
  id: z.string().max(40).optional(),
  name: z.string({ error: "Enter a header name." }).trim(),
  value: z.string().optional(),
});

const headersSchema = z
  .array(headerSchema)
  .max(MAX_CUSTOM_HEADERS, `At most ${MAX_CUSTOM_HEADERS} custom headers.`)
  // A row left empty (no name, no value, never saved) is dropped, not refused: "Add header" then Save is not an error.
  .transform((rows) => rows.filter((h) => h.id || h.name !== "" || (h.value ?? "").trim() !== ""))
  .superRefine((headers, ctx) => {
    headers.forEach((header, i) => {
      const nameError = checkHeaderName(header.name, env.webhookBrand);
      if (nameError) ctx.addIssue({ code: "custom", path: [i, "name"], message: nameError });
      if (header.value !== undefined || !header.id) {
        const valueError = checkHeaderValue(header.value ?? "");
        if (valueError) ctx.addIssue({ code: "custom", path: [i, "value"], message: valueError });
      }
    });
    const duplicates = new Set(findDuplicateHeaderNames(headers.map((h) => h.name)).map((n) => n.toLowerCase()));
    const seen = new Set<string>();
    headers.forEach((header, i) => {
      const key = header.name.toLowerCase();
      if (duplicates.has(key) && seen.has(key)) {
        ctx.addIssue({ code: "custom", path: [i, "name"], message: duplicateHeaderMessage(header.name) });
      }
      seen.add(key);
    });
  });

const eventTypesSchema = z.union(
  [
    z.literal("all"),
    z
      .array(eventTypeSchema)
      .min(1, "Choose at least one event, or All events.")
      .transform((types) => [...new Set(types)]),
  ],
  { error: "Choose at least one event, or All events." },
);

/** Extra addresses that get the endpoint's alerts (beside the organization's owners). */
export const MAX_ALERT_EMAILS = 10;
const alertEmailSchema = z.email();

/** One per line (or separated by commas or spaces) from the form, or a list from the API; lower-cased, each once. */
export const alertEmailsSchema = z
  .union([z.string().max(5000, "Too long: enter at most 10 addresses."), z.array(z.string().max(320)).max(50)], {
    error: "Enter email addresses, one per line.",
  })
  .transform((value, ctx) => {
    const list = (Array.isArray(value) ? value : value.split(/[\s,;]+/)).map((s) => s.trim().toLowerCase()).filter(Boolean);
    const unique = [...new Set(list)];
    const bad = unique.find((address) => !alertEmailSchema.safeParse(address).success);
    if (bad !== undefined) {
      ctx.addIssue({ code: "custom", message: `"${bad.slice(0, 80)}" is not an email address.` });
      return z.NEVER;
    }
    if (unique.length > MAX_ALERT_EMAILS) {
      ctx.addIssue({ code: "custom", message: `At most ${MAX_ALERT_EMAILS} alert emails.` });
      return z.NEVER;
    }
    return unique;
  });

const integerIn = (label: string, min: number, max: number, unit = "") =>
  z.coerce
    .number({ error: `${label} must be a whole number from ${min} to ${max}${unit}.` })
    .int(`${label} must be a whole number from ${min} to ${max}${unit}.`)
    .min(min, `${label} must be a whole number from ${min} to ${max}${unit}.`)
    .max(max, `${label} must be a whole number from ${min} to ${max}${unit}.`);

export const endpointFieldsSchema = z.object({
  url: urlSchema,
  description: z
    .string()
    .trim()
    .max(200, "The description can be at most 200 characters.")
    .regex(/^[^\p{Cc}]*$/u, "The description cannot contain control characters.")
    .default(""),
  eventTypes: eventTypesSchema.default("all"),
  headers: headersSchema.default([]),
  timeoutSeconds: integerIn("Timeout", 1, 30, " seconds").default(30),
  maxRetries: integerIn("Retries", 0, 10).default(3),
  /** At most this many requests per second, across every app process; empty or null: no limit. */
  rateLimitPerSecond: z
    .preprocess((v) => (v === "" ? null : v), integerIn("Rate limit", 1, 1000, " requests per second").nullable())
    .default(null),
  /** Ordered delivery: one event at a time, in the order they were published. */
  ordered: z.boolean({ error: "Ordered delivery must be on or off." }).default(false),
  active: z.boolean({ error: "Active must be on or off." }).default(true),
  alertEmails: alertEmailsSchema.default([]),
});

export const createEndpointSchema = endpointFieldsSchema;
export type CreateEndpointInput = z.input<typeof createEndpointSchema>;

/** Editing leaves `active` alone unless it is sent: the endpoint page switches it separately. */
export const updateEndpointSchema = endpointFieldsSchema.extend({
  id: endpointIdSchema,
  active: z.boolean({ error: "Active must be on or off." }).optional(),
});
export type UpdateEndpointInput = z.input<typeof updateEndpointSchema>;

/**
 * The portal's create and edit actions: the fields, and the person's confirmation that a URL another endpoint already
 * uses is meant (it would get every event twice); without it such a save is refused with `conflict:duplicate_url`.
 */
const confirmDuplicateUrl = z.boolean({ error: "confirmDuplicateUrl must be true or false." }).optional();
export const createEndpointActionSchema = createEndpointSchema.extend({ confirmDuplicateUrl });
export const updateEndpointActionSchema = updateEndpointSchema.extend({ confirmDuplicateUrl });

export const endpointRefSchema = z.object({ id: endpointIdSchema });

export const setEndpointActiveSchema = z.object({ id: endpointIdSchema, active: z.boolean() });

/** How long the replaced secret keeps signing: now, 1 hour, 24 hours (when not given) or 7 days. */
export const rotationOverlapSchema = z.enum(ROTATION_OVERLAPS, { error: "Choose how long the old secret keeps signing: now, 1 hour, 24 hours or 7 days." });

/** Rotating the signing secret (or ed25519 key), with the old one's overlap. */
export const rotateSecretSchema = z.object({ id: endpointIdSchema, overlap: rotationOverlapSchema.optional() });

/** Switching between HMAC (`v1`) and ed25519 (`v1a`) signatures. */
export const setSignatureSchemeSchema = z.object({
  id: endpointIdSchema,
  scheme: z.enum(SIGNATURE_SCHEMES, { error: "Choose v1 (HMAC-SHA256) or v1a (ed25519)." }),
  overlap: rotationOverlapSchema.optional(),
});

export const sendTestEventSchema = z.object({ id: endpointIdSchema, type: eventTypeSchema });

/** "Redeliver failed since…": a UTC minute ("YYYY-MM-DDTHH:mm", what the typed field sends), not in the future. */
export const redeliverFailedSchema = z.object({
  id: endpointIdSchema,
  since: z
    .string({ error: "Choose a start time." })
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "Choose a start time.")
    .transform((v) => new Date(`${v}:00Z`))
    .refine((d) => !Number.isNaN(d.getTime()), "Choose a start time.")
    .refine((d) => d.getTime() <= Date.now(), "Choose a time in the past."),
});

/** The link in a "disabled" alert: switch the endpoint on, then redeliver what failed since a time, in one go. */
export const switchOnAndRedeliverSchema = redeliverFailedSchema;

export const deliveryProgressSchema = z.object({
  ids: z.array(z.string().regex(/^dlv_[0-9a-z]{24}$/)).max(1000),
});
