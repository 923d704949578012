import type { z } from "zod";
import type { EmailBrand, RenderedEmail } from "./layout";

/**
 * One email template: the data it needs (checked with zod when the email is queued, so a caller's mistake fails at
 * once rather than in the outbox) and a pure render function. Add a template by writing a file that exports one of
 * these and listing it in ./index.ts.
 */
export interface EmailTemplate<S extends z.ZodType> {
  schema: S;
  render(data: z.output<S>, brand: EmailBrand): RenderedEmail;
}

export function defineEmailTemplate<S extends z.ZodType>(template: EmailTemplate<S>): EmailTemplate<S> {
  return template;
}
