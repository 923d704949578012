import { z } from "zod";

export const createPlatformKeySchema = z.object({
  name: z
    .string({ error: "Name the key, e.g. after the platform backend that will use it." })
    .trim()
    .min(1, "Name the key, e.g. after the platform backend that will use it.")
    .max(100, "Keep the name under 101 characters.")
    .regex(/^[^\p{Cc}]*$/u, "Use letters, numbers, spaces and punctuation only."),
});
export type CreatePlatformKey = z.infer<typeof createPlatformKeySchema>;

export const platformKeyRefSchema = z.object({ id: z.string().regex(/^pkey_[0-9a-z]{20}$/, "Platform key not found.") });
