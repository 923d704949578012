import type { Plan } from "@/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

export interface PlanInfo {
  id: Plan;
  name: string;
  summary: string;
  features: string[];
}

const PLAN_RANK: Record<Plan, number> = { free: 0, pro: 1, enterprise: 2 };

/** What each plan includes besides webhooks (those follow WEBHOOKS_REQUIRED_PLAN; see planIncludesWebhooks). */
export const PLAN_INFO: Record<Plan, PlanInfo> = {
  free: { id: "free", name: "Free", summary: "Explore the portal and the event catalog.", features: ["Partner portal", "Event catalog"] },
  pro: {
    id: "pro",
    name: "Pro",
    summary: "API access for your own integrations.",
    features: ["Everything in Free", "Public API and API keys", "Polling for events"],
  },
  enterprise: {
    id: "enterprise",
    name: "Enterprise",
    summary: "Real-time, signed, retried outbound webhooks.",
    features: ["Everything in Pro", "Delivery logs and redelivery", "Priority support"],
  },
};

/** Outbound webhooks are an Enterprise feature by default; WEBHOOKS_REQUIRED_PLAN moves the line ("none": all). */
export function planIncludesWebhooks(plan: Plan, required = env.webhooksRequiredPlan): boolean {
  return required === "none" || PLAN_RANK[plan] >= PLAN_RANK[required];
}

/** The name of the least plan with webhooks, for messages ("Enterprise"). */
export function webhooksPlanName(required = env.webhooksRequiredPlan): string {
  return required === "none" ? "any plan" : PLAN_INFO[required].name;
}

/** Server-side gate for webhook actions: refuses with a message that says what to do. */
export function assertWebhooksAllowed(plan: Plan): void {
  if (!planIncludesWebhooks(plan)) {
    throw new AppError("forbidden:plan", {
      message: `Outbound webhooks are part of the ${webhooksPlanName()} plan. Upgrade on the Billing page to create and manage endpoints.`,
    });
  }
}
