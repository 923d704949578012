"use server";

import { revalidatePath } from "next/cache";
import type { ActionResult } from "@/lib/action";
import { createAction } from "@/lib/auth/action";
import type { Role } from "@/db/schema";
import {
  changeMemberRole,
  inviteMember,
  leaveOrganization,
  removeMember,
  resendMemberInvitation,
  revokeMemberInvitation,
} from "@/lib/people/members";
import { changeRoleSchema, invitationRefSchema, inviteMemberSchema, leaveOrganizationSchema, memberRefSchema } from "./schemas";

const invite = createAction(inviteMemberSchema, inviteMember);
const resend = createAction(invitationRefSchema, resendMemberInvitation);
const revoke = createAction(invitationRefSchema, revokeMemberInvitation);
const changeRole = createAction(changeRoleSchema, changeMemberRole);
const remove = createAction(memberRefSchema, removeMember);
const leave = createAction(leaveOrganizationSchema, leaveOrganization);

function refreshed<T>(result: ActionResult<T>, scope: "page" | "layout" = "page"): ActionResult<T> {
  if (result.ok) revalidatePath(scope === "layout" ? "/" : "/settings/members", scope);
  return result;
}

/** Owners: invites someone by email with a role. */
export async function inviteMemberAction(input: unknown): Promise<ActionResult<{ id: string; email: string; role: Role; expiresAt: string }>> {
  return refreshed(await invite(input));
}

/** Owners: sends a pending invitation again, with a new link. */
export async function resendInvitationAction(input: unknown): Promise<ActionResult<{ id: string; email: string }>> {
  return refreshed(await resend(input));
}

/** Owners: withdraws a pending invitation. */
export async function revokeInvitationAction(input: unknown): Promise<ActionResult<{ id: string; email: string }>> {
  return refreshed(await revoke(input));
}

/** Owners: makes a member an owner, or an owner a member (never the last owner). */
export async function changeMemberRoleAction(input: unknown): Promise<ActionResult<{ userId: string; role: Role }>> {
  return refreshed(await changeRole(input), "layout");
}

/** Owners: removes someone from the organization; their sessions in it end at once. */
export async function removeMemberAction(input: unknown): Promise<ActionResult<{ userId: string; email: string }>> {
  return refreshed(await remove(input));
}

/** Anyone but the last owner: leaves the current organization. */
export async function leaveOrganizationAction(input: unknown): Promise<ActionResult<{ next: "switched" | "signed_out"; organizationId?: string }>> {
  return refreshed(await leave(input), "layout");
}
