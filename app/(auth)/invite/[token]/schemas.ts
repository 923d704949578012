import { z } from "zod";
import { displayText, newPasswordField, tokenField } from "@/lib/people/fields";

export const acceptInvitationSchema = z.object({ token: tokenField });

export const acceptAsNewPersonSchema = z
  .object({
    token: tokenField,
    name: displayText("your name", 100),
    password: newPasswordField,
    confirm: z.string({ error: "Type the password again." }).max(1024, "That password is too long."),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The two passwords differ. Type the same password twice." });
export type AcceptAsNewPerson = z.infer<typeof acceptAsNewPersonSchema>;
