import { z } from "zod";
import { PLANS } from "@/db/schema";
import { displayText, emailField, organizationIdField } from "@/lib/people/fields";

export const slugField = z
  .string({ error: "Enter a slug." })
  .trim()
  .toLowerCase()
  .min(2, "Use at least 2 characters.")
  .max(48, "Keep it under 49 characters.")
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "Use lower-case letters, digits and hyphens (not at the start or end).");

/** The platform's own id for the customer: optional, printable ASCII without spaces (CRM and billing ids). */
export const externalIdField = z
  .string({ error: "Enter the external id, or leave it empty." })
  .trim()
  .max(128, "Keep it under 129 characters.")
  .regex(/^[\x21-\x7e]*$/, "Use letters, digits and punctuation without spaces.")
  .optional()
  .transform((v) => (v ? v : null));

export const createOrganizationSchema = z.object({
  name: displayText("the organization's name", 100),
  slug: slugField,
  plan: z.enum(PLANS, { error: "Choose Free, Pro or Enterprise." }),
  externalId: externalIdField,
});
export type CreateOrganization = z.infer<typeof createOrganizationSchema>;

export const updateOrganizationSchema = z.object({
  id: organizationIdField,
  name: displayText("the organization's name", 100),
  slug: slugField,
  externalId: externalIdField,
});
export type UpdateOrganization = z.infer<typeof updateOrganizationSchema>;

export const setOrganizationActiveSchema = z.object({
  id: organizationIdField,
  active: z.boolean({ error: "Say whether the organization is active." }),
});

export const inviteFirstOwnerSchema = z.object({
  organizationId: organizationIdField,
  email: emailField,
});
