"use server";

import { revalidatePath } from "next/cache";
import type { ActionResult } from "@/lib/action";
import type { AlertKind } from "@/lib/alerts/kinds";
import { updateNotificationPreferences } from "@/lib/alerts/preferences";
import { createAction } from "@/lib/auth/action";
import { notificationPreferencesSchema } from "./schemas";

const update = createAction(notificationPreferencesSchema, updateNotificationPreferences);

/** Settings -> Notifications: the alert kinds the signed-in person gets. */
export async function updateNotificationPreferencesAction(input: unknown): Promise<ActionResult<Record<AlertKind, boolean>>> {
  const result = await update(input);
  if (result.ok) revalidatePath("/settings/notifications");
  return result;
}
