"use server";

import { revalidatePath } from "next/cache";
import { renameOrganization } from "@/db/queries/organizations";
import { updateUserName } from "@/db/queries/users";
import type { ActionResult } from "@/lib/action";
import { createAction } from "@/lib/auth/action";
import { AppError } from "@/lib/errors";
import { setTimeZonePreference } from "@/db/queries/preferences";
import { changePassword, endOtherSessions, requestEmailChange } from "@/lib/people/profile";
import { changeEmailSchema, changePasswordSchema, endOtherSessionsSchema, organizationSchema, profileSchema, timeZoneSchema } from "./schemas";

const updateProfile = createAction(profileSchema, async ({ name }, { user }) => {
  const updated = await updateUserName({ userId: user.id, name });
  if (!updated) throw new AppError("not_found:user", { message: "Your account no longer exists. Sign in again." });
  revalidatePath("/", "layout");
  return { name };
});

const updateOrganization = createAction(organizationSchema, async ({ name }, { user, org }) => {
  if (user.role !== "owner") {
    throw new AppError("forbidden:organization", { message: "Only an owner of the organization can rename it." });
  }
  await renameOrganization({ orgId: org.id, name });
  revalidatePath("/", "layout");
  return { name };
});

const updateTimeZone = createAction(timeZoneSchema, async ({ timeZone }, { user }) => {
  const updated = await setTimeZonePreference({ userId: user.id, timeZone });
  if (!updated) throw new AppError("not_found:user", { message: "Your account no longer exists. Sign in again." });
  revalidatePath("/", "layout");
  return { timeZone };
});

/** Sets the zone the portal shows the signed-in person's times in (null: their browser's). */
export async function updateTimeZoneAction(input: unknown): Promise<ActionResult<{ timeZone: string | null }>> {
  return updateTimeZone(input);
}

/** Changes the signed-in person's display name. */
export async function updateProfileAction(input: unknown): Promise<ActionResult<{ name: string }>> {
  return updateProfile(input);
}

/** Renames the signed-in person's organization (owners only). */
export async function updateOrganizationAction(input: unknown): Promise<ActionResult<{ name: string }>> {
  return updateOrganization(input);
}

const passwordChange = createAction(changePasswordSchema, changePassword);
const emailChange = createAction(changeEmailSchema, requestEmailChange);
const othersOut = createAction(endOtherSessionsSchema, endOtherSessions);

/** Changes the signed-in person's password (current one required); their other sessions end, this one stays. */
export async function changePasswordAction(input: unknown): Promise<ActionResult<{ endedSessions: number }>> {
  const result = await passwordChange(input);
  if (result.ok) revalidatePath("/settings");
  return result;
}

/** Sends a confirmation link to a new email address (current password required). */
export async function requestEmailChangeAction(input: unknown): Promise<ActionResult<{ message: string }>> {
  return emailChange(input);
}

/** Signs the person out of every other browser. */
export async function endOtherSessionsAction(input: unknown): Promise<ActionResult<{ endedSessions: number }>> {
  const result = await othersOut(input);
  if (result.ok) revalidatePath("/settings");
  return result;
}
