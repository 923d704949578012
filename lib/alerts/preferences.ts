import type { z } from "zod";
import type { notificationPreferencesSchema } from "@/app/(portal)/settings/notifications/schemas";
import { getAlertPreferences, setAlertPreferences } from "@/db/queries/alerts";
import type { SessionContext } from "@/db/queries/users";
import { recordUserAudit } from "@/lib/audit/request";
import { ALERT_KINDS, type AlertKind } from "./kinds";

/**
 * Settings -> Notifications: which alert kinds the signed-in person gets. Stored per person (opt-outs), so the choice
 * holds in every organization they own; an unsubscribe link changes the same setting.
 */
export async function updateNotificationPreferences(
  input: z.output<typeof notificationPreferencesSchema>,
  ctx: SessionContext,
): Promise<Record<AlertKind, boolean>> {
  const before = await getAlertPreferences({ userId: ctx.user.id });
  await setAlertPreferences({ userId: ctx.user.id, preferences: input });
  const changes = Object.fromEntries(ALERT_KINDS.filter((k) => before[k] !== input[k]).map((k) => [k, { from: before[k], to: input[k] }]));
  if (Object.keys(changes).length > 0) await recordUserAudit(ctx, "notifications.updated", { target: { type: "user", id: ctx.user.id }, changes });
  return getAlertPreferences({ userId: ctx.user.id });
}
