import type { Plan, SubscriptionStatus } from "@/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

export interface PlanInfo {
  id: Plan;
  name: string;
  summary: string;
  features: string[];
}

const PLAN_RANK: Record<Plan, number> = { free: 0, pro: 1, enterprise: 2 };

/**
 * What each plan includes besides the public API and webhooks (those follow API_REQUIRED_PLAN and
 * WEBHOOKS_REQUIRED_PLAN; see planIncludesApi and planIncludesWebhooks).
 */
export const PLAN_INFO: Record<Plan, PlanInfo> = {
  free: { id: "free", name: "Free", summary: "Explore the portal and the event catalog.", features: ["Partner portal", "Event catalog"] },
  pro: {
    id: "pro",
    name: "Pro",
    summary: "API access for your own integrations.",
    features: ["Everything in Free"],
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

/** The public API and API keys are a Pro feature by default; API_REQUIRED_PLAN moves the line. */
export function planIncludesApi(plan: Plan, required = env.apiRequiredPlan): boolean {
  return PLAN_RANK[plan] >= PLAN_RANK[required];
}

/** Server-side gate for API keys and API calls: refuses with a message that says what to do. */
export function assertApiAllowed(plan: Plan): void {
  if (!planIncludesApi(plan)) {
    throw new AppError("forbidden:plan", {
      message: `The public API is part of the ${PLAN_INFO[env.apiRequiredPlan].name} plan. Upgrade on the Billing page to create API keys and call the API.`,
    });
  }
}

/** Server-side gate for webhook actions: refuses with a message that says what to do. */
export function assertWebhooksAllowed(plan: Plan): void {
  if (!planIncludesWebhooks(plan)) {
    throw new AppError("forbidden:plan", {
      message: `Outbound webhooks are part of the ${webhooksPlanName()} plan. Upgrade on the Billing page to create and manage endpoints.`,
    });
  }
}

/** Subscription statuses under which deliveries wait: the plan is not being paid for. */
export const PAUSING_STATUSES: readonly SubscriptionStatus[] = ["past_due", "unpaid", "canceled"];

export interface DeliveryPause {
  reason: "plan" | "past_due" | "unpaid" | "canceled";
  title: string;
  /** What happened and what to do, for the banner on the Webhooks pages. */
  message: string;
}

/**
 * Whether an organization's deliveries wait right now, and why: its plan lacks webhooks (a downgrade), or the plan
 * that has them is past due, unpaid or canceled. Endpoints, events and deliveries are kept either way; the delivery
 * path parks deliveries while this is set and resumes them when it clears (lib/delivery/pause.ts).
 */
export function deliveryPause(
  state: { plan: Plan; status: SubscriptionStatus | null | undefined },
  required = env.webhooksRequiredPlan,
): DeliveryPause | null {
  if (required === "none") return null;
  const title = "Webhook deliveries are paused";
  const kept = "Your endpoints and events are kept, and nothing is lost: waiting deliveries are sent once";
  if (!planIncludesWebhooks(state.plan, required)) {
    return {
      reason: "plan",
      title,
      message: `Outbound webhooks are part of the ${webhooksPlanName(required)} plan and your organization is on ${PLAN_INFO[state.plan].name}. ${kept} you upgrade on the Billing page.`,
    };
  }
  const plan = PLAN_INFO[state.plan].name;
  if (state.status === "past_due" || state.status === "unpaid") {
    return {
      reason: state.status,
      title,
      message: `The latest payment for your ${plan} subscription did not go through. ${kept} the invoice is paid: update your payment method on the Billing page.`,
    };
  }
  if (state.status === "canceled") {
    return {
      reason: "canceled",
      title,
      message: `Your ${plan} subscription was canceled. ${kept} you subscribe again on the Billing page.`,
    };
  }
  return null;
}
