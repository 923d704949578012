import { z } from "zod";
import { currentPasswordField, emailField, newPasswordField, tokenField } from "@/lib/people/fields";
import { isTimeZone } from "@/lib/format";

// Printable text only: control characters (including CR/LF and NUL) would corrupt logs, headers and CSV exports.
const displayText = (what: string, max: number) =>
  z
    .string({ error: `Enter ${what}.` })
    .trim()
    .min(1, `Enter ${what}.`)
    .max(max, `Keep it under ${max + 1} characters.`)
    .regex(/^[^\p{Cc}\p{Cf}]*$/u, "Use letters, numbers, spaces and punctuation only.");

export const profileSchema = z.object({ name: displayText("your name", 100) });
export type ProfileInput = z.infer<typeof profileSchema>;

export const organizationSchema = z.object({ name: displayText("the organization's name", 100) });
export type OrganizationInput = z.infer<typeof organizationSchema>;

/** The zone times are shown in: an IANA name the runtime knows, or "" to follow the browser. */
export const timeZoneSchema = z.object({
  timeZone: z
    .string({ error: "Choose a time zone." })
    .max(64, "Choose a time zone from the list.")
    .refine((v) => v === "" || isTimeZone(v), "Choose a time zone from the list.")
    .transform((v) => v || null),
});
export type TimeZoneInput = z.input<typeof timeZoneSchema>;

export const changePasswordSchema = z
  .object({
    currentPassword: currentPasswordField,
    newPassword: newPasswordField,
    confirm: z.string({ error: "Type the new password again." }).max(1024, "That password is too long."),
  })
  .refine((v) => v.newPassword === v.confirm, { path: ["confirm"], message: "The two passwords differ. Type the same password twice." });
export type ChangePassword = z.infer<typeof changePasswordSchema>;

export const changeEmailSchema = z.object({ newEmail: emailField, currentPassword: currentPasswordField });
export type ChangeEmail = z.infer<typeof changeEmailSchema>;

export const confirmEmailSchema = z.object({ token: tokenField });

/** Signing out elsewhere takes no input: whose sessions, and which one stays, come from the session. */
export const endOtherSessionsSchema = z.object({}).strict();
