import { z } from "zod";

export const signInSchema = z.object({
  email: z
    .string({ error: "Enter your email address." })
    .trim()
    .min(1, "Enter your email address.")
    .max(254, "That email address is too long.")
    .pipe(z.email("Enter a valid email address, like name@company.com."))
    .transform((e) => e.toLowerCase()),
  password: z
    .string({ error: "Enter your password." })
    .min(1, "Enter your password.")
    .max(1024, "That password is too long."),
  callbackUrl: z.string().max(2048).optional(),
});

export type SignInInput = z.infer<typeof signInSchema>;
