import { z } from "zod";
import { emailField, invitationIdField, roleField, userIdField } from "@/lib/people/fields";

export const inviteMemberSchema = z.object({ email: emailField, role: roleField });
export type InviteMember = z.infer<typeof inviteMemberSchema>;

export const invitationRefSchema = z.object({ id: invitationIdField });

export const changeRoleSchema = z.object({ userId: userIdField, role: roleField });
export type ChangeRole = z.infer<typeof changeRoleSchema>;

export const memberRefSchema = z.object({ userId: userIdField });

/** Leaving takes no input: who leaves and from where both come from the session. */
export const leaveOrganizationSchema = z.object({}).strict();
