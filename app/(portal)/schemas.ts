import { z } from "zod";

/** An organization id as Herald makes them; anything else cannot name one. */
export const organizationIdSchema = z
  .string({ error: "Choose an organization." })
  .regex(/^org_[0-9a-z]{20}$/, "That organization does not exist.");

export const switchOrganizationSchema = z.object({ organizationId: organizationIdSchema });
export type SwitchOrganization = z.infer<typeof switchOrganizationSchema>;
