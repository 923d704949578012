import { z } from "zod";
import { EMAIL_STATUSES } from "@/db/schema";
import { EMAIL_TEMPLATE_NAMES } from "@/lib/email/templates";

const emailCursor = z
  .string()
  .regex(/^\d{13,}_eml_[0-9a-z]{20}$/)
  .optional()
  .catch(undefined);

export const emailIdSchema = z.string({ error: "Choose an email." }).regex(/^eml_[0-9a-z]{20}$/, "That email does not exist.");

/** Admin -> Emails: send a stored email again. */
export const resendEmailSchema = z.object({ id: emailIdSchema });
export type ResendEmail = z.infer<typeof resendEmailSchema>;

/** The Emails filters as they travel in the URL; anything unreadable is dropped rather than failing the page. */
export const emailFiltersSchema = z.object({
  status: z.enum(EMAIL_STATUSES).optional().catch(undefined),
  template: z
    .enum(EMAIL_TEMPLATE_NAMES as [string, ...string[]])
    .optional()
    .catch(undefined),
  to: z.string().trim().max(320).optional().catch(undefined).transform((v) => v || undefined),
  /** The email whose body is shown above the list. */
  view: emailIdSchema.optional().catch(undefined),
  /** Keyset cursors, as Logs writes them (`<createdAt µs>_<email id>`): Older and Newer. */
  before: emailCursor,
  after: emailCursor,
});
export type EmailListFilters = z.infer<typeof emailFiltersSchema>;
