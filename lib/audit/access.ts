import type { SessionContext } from "@/db/queries/users";

/**
 * Who may read an organization's audit log: its owners (the role in the active organization, as the session
 * context carries it). Platform admins read every organization's under Admin -> Audit log.
 */
export function canViewAuditLog(ctx: Pick<SessionContext, "user">): boolean {
  return ctx.user.role === "owner";
}
