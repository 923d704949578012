import { z } from "zod";

/**
 * Field rules the people forms share (invitations, organizations, profile, password reset), so that one address or
 * one password is judged the same way everywhere.
 */

/** Printable text only: control characters (including CR/LF and NUL) would corrupt logs, email headers and exports. */
export const displayText = (what: string, max: number) =>
  z
    .string({ error: `Enter ${what}.` })
    .trim()
    .min(1, `Enter ${what}.`)
    .max(max, `Keep it under ${max + 1} characters.`)
    .regex(/^[^\p{Cc}\p{Cf}]*$/u, "Use letters, numbers, spaces and punctuation only.");

/** An email address as sign-in reads it: trimmed and lower-cased. */
export const emailField = z
  .string({ error: "Enter an email address." })
  .trim()
  .min(1, "Enter an email address.")
  .max(254, "That email address is too long.")
  .pipe(z.email("Enter a valid email address, like name@company.com."))
  .transform((e) => e.toLowerCase());

export const PASSWORD_MIN_LENGTH = 12;
/** The sign-in form's own limit: a longer password could never be typed in. */
export const PASSWORD_MAX_LENGTH = 1024;

/** A new password: long enough to resist guessing (NIST SP 800-63B: length over composition rules). */
export const newPasswordField = z
  .string({ error: "Choose a password." })
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(PASSWORD_MAX_LENGTH, "That password is too long.")
  .refine((p) => p.trim().length > 0, "Use at least some characters that are not spaces.");

/** A password typed to prove who one is (never judged by the new-password rules). */
export const currentPasswordField = z
  .string({ error: "Enter your current password." })
  .min(1, "Enter your current password.")
  .max(PASSWORD_MAX_LENGTH, "That password is too long.");

/** A link's token (see lib/people/tokens.ts): 43 base64url characters. */
export const tokenField = z.string({ error: "This link is not valid." }).regex(/^[A-Za-z0-9_-]{43}$/, "This link is not valid.");

export const organizationIdField = z
  .string({ error: "Choose an organization." })
  .regex(/^org_[0-9a-z]{20}$/, "That organization does not exist.");

export const userIdField = z.string({ error: "Choose a person." }).regex(/^usr_[0-9a-z]{20}$/, "That person is not a member.");

export const invitationIdField = z.string({ error: "Choose an invitation." }).regex(/^inv_[0-9a-z]{20}$/, "That invitation does not exist.");

export const roleField = z.enum(["owner", "member"], { error: "Choose Owner or Member." });
