import { z } from "zod";
import { PLANS } from "@/db/schema";

/** Admin: set an organization's plan by hand (a contract outside Stripe). */
export const setPlanSchema = z.object({
  organizationId: z.string({ error: "Choose an organization." }).regex(/^org_[0-9a-z]{20}$/, "That organization does not exist."),
  plan: z.enum(PLANS, { error: "Choose Free, Pro or Enterprise." }),
});
export type SetPlan = z.infer<typeof setPlanSchema>;
