import type { Plan } from "@/db/schema";

export interface PlanInfo {
  id: Plan;
  name: string;
  summary: string;
  features: string[];
  outboundWebhooks: boolean;
}

/** What each plan includes. Outbound webhooks are an Enterprise feature. */
export const PLAN_INFO: Record<Plan, PlanInfo> = {
  free: {
    id: "free",
    name: "Free",
    summary: "Explore the portal and the event catalog.",
    features: ["Partner portal", "Event catalog"],
    outboundWebhooks: false,
  },
  pro: {
    id: "pro",
    name: "Pro",
    summary: "API access for your own integrations.",
    features: ["Everything in Free", "Public API and API keys", "Polling for events"],
    outboundWebhooks: false,
  },
  enterprise: {
    id: "enterprise",
    name: "Enterprise",
    summary: "Real-time, signed, retried outbound webhooks.",
    features: ["Everything in Pro", "Outbound webhooks", "Delivery logs and redelivery"],
    outboundWebhooks: true,
  },
};
