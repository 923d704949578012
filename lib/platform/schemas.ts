import { z } from "zod";
import { slugField } from "@/app/(portal)/admin/organizations/schemas";
import { DELIVERY_STATUSES, PLANS, ROLES } from "@/db/schema";
import { displayText, emailField } from "@/lib/people/fields";

/**
 * The platform API's request and response schemas, defined once: the routes under /api/platform/v1 validate with
 * them and its OpenAPI document (lib/platform/openapi.ts) is generated from them.
 */

/** The platform's own id for a customer: printable ASCII without spaces, as in Admin -> Organizations. */
export const platformExternalIdField = z
  .string({ error: "Give the external id as a string." })
  .trim()
  .min(1, "Give the external id, or leave the field out.")
  .max(128, "The external id is at most 128 characters.")
  .regex(/^[\x21-\x7e]+$/, "Use letters, digits and punctuation without spaces in the external id.")
  .describe("Your platform's own id for this customer (its CRM or billing id); unique across organizations.");

const planField = z.enum(PLANS, { error: `plan must be one of: ${PLANS.join(", ")}.` });

export const platformIdempotencyKeyField = z
  .string({ error: "Give the idempotency key as a string." })
  .trim()
  .min(1, "Give the idempotency key, or leave the field out.")
  .max(200, "The idempotency key is at most 200 characters.")
  .regex(/^[\x21-\x7e]+$/, "Use letters, digits and punctuation without spaces in the idempotency key.");

export const createPlatformOrganizationSchema = z
  .object({
    name: displayText("the organization's name", 100).describe("Shown in the portal."),
    externalId: platformExternalIdField.optional(),
    plan: planField.default("free").describe("free unless given."),
    slug: slugField.optional().describe("Made from the name unless given (with a suffix when taken)."),
    idempotencyKey: platformIdempotencyKeyField
      .optional()
      .describe("Repeat the request with the same key (or the Idempotency-Key header) to get the first result, 200, instead of a 409."),
  })
  .strict();
export type CreatePlatformOrganization = z.output<typeof createPlatformOrganizationSchema>;

export const updatePlatformOrganizationSchema = z
  .object({
    name: displayText("the organization's name", 100).optional(),
    plan: planField.optional().describe("Set by hand, as Admin -> Organizations does (a contract outside Stripe)."),
    active: z
      .boolean({ error: "active must be true or false." })
      .optional()
      .describe("false deactivates (nobody signs in, deliveries are held); true reactivates. Nothing is deleted."),
  })
  .strict()
  .refine((v) => v.name !== undefined || v.plan !== undefined || v.active !== undefined, "Give at least one of name, plan and active.");

const cursorField = z.string().max(200, "That cursor is not valid.").regex(/^[A-Za-z0-9_-]+$/, "That cursor is not valid.");

export const listOrganizationsQuerySchema = z.object({
  externalId: platformExternalIdField.optional().describe("Only the organization with this external id."),
  cursor: cursorField.optional().describe("nextCursor of the previous page."),
  limit: z.coerce.number({ error: "limit must be a number." }).int("limit must be a whole number.").min(1, "limit is at least 1.").max(100, "limit is at most 100.").default(50),
});

export const organizationResourceSchema = z.object({
  id: z.string().describe("Herald's id (org_...)."),
  name: z.string(),
  slug: z.string(),
  plan: z.enum(PLANS),
  externalId: z.string().nullable(),
  active: z.boolean().describe("false: deactivated by a platform admin or the platform API."),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OrganizationResource = z.infer<typeof organizationResourceSchema>;

export const organizationListSchema = z.object({
  data: z.array(organizationResourceSchema),
  nextCursor: z.string().nullable(),
  hasMore: z.boolean(),
});

export const listDeliveriesQuerySchema = z.object({
  status: z.enum(DELIVERY_STATUSES, { error: `status must be one of: ${DELIVERY_STATUSES.join(", ")}.` }).optional(),
  cursor: cursorField.optional().describe("nextCursor of the previous page."),
});

export const deliveryResourceSchema = z.object({
  id: z.string().describe("dlv_..."),
  eventId: z.string(),
  eventType: z.string(),
  endpointId: z.string(),
  endpointUrl: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  test: z.boolean().describe("A test event sent from the portal."),
  attemptCount: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastErrorClass: z.string().nullable(),
  lastDurationMs: z.number().int().nullable(),
  createdAt: z.string(),
});

export const deliveryListSchema = z.object({
  data: z.array(deliveryResourceSchema).describe("Newest first, 50 a page."),
  nextCursor: z.string().nullable(),
  hasMore: z.boolean(),
});

export const createPlatformInvitationSchema = z
  .object({
    email: emailField.describe("Invited into the organization; the email is sent, or kept under Admin -> Emails without SMTP."),
    role: z.enum(ROLES, { error: `role must be one of: ${ROLES.join(", ")}.` }).default("member"),
  })
  .strict();

export const invitationResourceSchema = z.object({
  id: z.string().describe("inv_..."),
  organizationId: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  expiresAt: z.string(),
});
