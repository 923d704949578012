import { z } from "zod";
import { emailField, newPasswordField, tokenField } from "@/lib/people/fields";

export const requestResetSchema = z.object({ email: emailField });

export const resetPasswordSchema = z
  .object({
    token: tokenField,
    password: newPasswordField,
    confirm: z.string({ error: "Type the password again." }).max(1024, "That password is too long."),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The two passwords differ. Type the same password twice." });
