import type { z } from "zod";
import type { resendEmailSchema } from "@/app/(portal)/admin/emails/schemas";
import type { SessionContext } from "@/db/queries/users";
import { recordUserAudit } from "@/lib/audit/request";
import { AppError } from "@/lib/errors";
import { resendEmail } from "./queue";

/**
 * Admin -> Emails' Resend: platform admins only (anyone else gets the not-found an unknown id gets), recorded in the
 * audit log of the organization the email was about.
 */
export async function resendEmailAsAdmin(input: z.output<typeof resendEmailSchema>, ctx: SessionContext): Promise<{ id: string; to: string }> {
  if (!ctx.user.isPlatformAdmin) throw new AppError("not_found:email", { message: "That email does not exist (emails are kept for a limited time)." });
  const email = await resendEmail(input.id);
  await recordUserAudit(ctx, "email.resent", { organizationId: email.organizationId, target: { type: "email", id: email.id }, changes: { to: email.to } });
  return { id: email.id, to: email.to };
}
