import { z } from "zod";
import { PLANS } from "@/db/schema";

/** Upgrade: the paid plan to subscribe to (the price comes from STRIPE_PRICE_PLANS, never from the browser). */
export const startCheckoutSchema = z.object({
  plan: z.enum(PLANS.filter((p) => p !== "free") as ["pro", "enterprise"], { error: "Choose the Pro or Enterprise plan." }),
});
export type StartCheckout = z.infer<typeof startCheckoutSchema>;

export const openPortalSchema = z.object({}).strict();
