import { z } from "zod";

export const createApiKeySchema = z.object({
  name: z
    .string({ error: "Name the key, e.g. after the system that will use it." })
    .trim()
    .min(1, "Name the key, e.g. after the system that will use it.")
    .max(100, "The name can be at most 100 characters.")
    .regex(/^[^\p{Cc}]*$/u, "Use letters, numbers, spaces and punctuation only."),
});

export const apiKeyRefSchema = z.object({ id: z.string().regex(/^key_[0-9a-z]{20}$/, "API key not found.") });
