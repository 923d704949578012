import { z } from "zod";

const choice = z.boolean({ error: "Choose on or off." });

/** Settings -> Notifications: on or off for each alert kind (all four, every time). */
export const notificationPreferencesSchema = z
  .object({ failing: choice, disabling_soon: choice, disabled: choice, recovered: choice })
  .strict();
export type NotificationPreferencesInput = z.input<typeof notificationPreferencesSchema>;
