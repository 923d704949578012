import { z } from "zod";
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
