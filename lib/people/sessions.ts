import type { z } from "zod";
import type { switchOrganizationSchema } from "@/app/(portal)/schemas";
import { switchSessionOrganization } from "@/db/queries/auth-sessions";
import type { SessionContext } from "@/db/queries/users";
import { AppError } from "@/lib/errors";

/** A context from a real browser session: the actions that change the session itself need its id. */
export function requireBrowserSession(ctx: SessionContext): string {
  if (!ctx.sessionId) throw new AppError("unauthorized", { message: "Your session has ended. Sign in again to continue." });
  return ctx.sessionId;
}

/**
 * Moves the signed-in browser to another of the person's organizations. Not a member (or a deactivated one): the
 * same not-found an unknown id gets, and the session stays where it was.
 */
export async function switchOrganization(input: z.output<typeof switchOrganizationSchema>, ctx: SessionContext): Promise<{ organizationId: string }> {
  const sessionId = requireBrowserSession(ctx);
  if (input.organizationId === ctx.org.id) return { organizationId: ctx.org.id };
  const moved = await switchSessionOrganization({ sessionId, userId: ctx.user.id, orgId: input.organizationId });
  if (!moved) throw new AppError("not_found:organization", { message: "You are not a member of that organization." });
  return { organizationId: input.organizationId };
}
