import Stripe from "stripe";
import type { z } from "zod";
import type { startCheckoutSchema } from "@/app/(portal)/billing/schemas";
import { getBillingState } from "@/db/queries/billing";
import type { SessionContext } from "@/db/queries/users";
import type { Plan } from "@/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { PLAN_INFO } from "@/lib/plans";
import { priceForPlan } from "./price-plans";

const globalStore = globalThis as typeof globalThis & { __heraldStripe?: Stripe };

/** The Stripe API client, when STRIPE_SECRET_KEY is set. Constructing it makes no request. */
export function stripeClient(): Stripe | undefined {
  if (!env.billing.secretKey) return undefined;
  globalStore.__heraldStripe ??= new Stripe(env.billing.secretKey, { maxNetworkRetries: 2, timeout: 15_000 });
  return globalStore.__heraldStripe;
}

/** Whether the Billing page can send people to Stripe (Upgrade, Manage). */
export function onlineBillingEnabled(): boolean {
  return Boolean(env.billing.secretKey);
}

/**
 * The Checkout session for a subscription to `price`. The organization id travels three ways, each read by
 * lib/billing/stripe-events.ts: `client_reference_id` and `metadata` on the session, and `subscription_data.metadata`
 * so that every later subscription and invoice event names the organization even before the session's own event.
 */
export function checkoutSessionParams(p: {
  orgId: string;
  price: string;
  customerId: string | null;
  email: string;
  origin: string;
}): Stripe.Checkout.SessionCreateParams {
  return {
    mode: "subscription",
    line_items: [{ price: p.price, quantity: 1 }],
    client_reference_id: p.orgId,
    metadata: { organizationId: p.orgId },
    subscription_data: { metadata: { organizationId: p.orgId } },
    ...(p.customerId ? { customer: p.customerId } : { customer_email: p.email }),
    success_url: `${p.origin}/billing?checkout=success`,
    cancel_url: `${p.origin}/billing?checkout=cancelled`,
    allow_promotion_codes: true,
  };
}

function requireOwner(ctx: SessionContext): void {
  if (ctx.user.role !== "owner") {
    throw new AppError("forbidden:billing", { message: "Only the organization's owners can change its plan or payment details." });
  }
}

function requireStripe(client: Stripe | undefined): Stripe {
  if (!client) {
    throw new AppError("conflict:billing_not_configured", {
      message: "Online billing is not configured on this Herald. Ask the platform team to change your plan.",
    });
  }
  return client;
}

/** A live subscription changes plan in the customer portal; a second Checkout would charge for two. */
function hasLiveSubscription(state: { stripeSubscriptionId: string | null; status: string | null }): boolean {
  return Boolean(state.stripeSubscriptionId) && state.status !== null && state.status !== "canceled";
}

export interface BillingRedirect {
  url: string;
}

/** Upgrade: a Stripe Checkout session for the chosen plan's price; the caller sends the browser to its URL. */
export async function startCheckout(
  input: z.output<typeof startCheckoutSchema>,
  ctx: SessionContext,
  options: { origin: string; stripe?: Stripe },
): Promise<BillingRedirect> {
  requireOwner(ctx);
  const stripe = requireStripe(options.stripe ?? stripeClient());
  const plan: Plan = input.plan;
  const price = priceForPlan(env.billing.pricePlans, plan);
  if (!price) {
    throw new AppError("conflict:billing_price", { message: `No Stripe price is set up for the ${PLAN_INFO[plan].name} plan yet. Contact the platform team.` });
  }
  const state = await getBillingState({ orgId: ctx.org.id });
  if (!state) throw new AppError("not_found:organization");
  if (hasLiveSubscription(state)) {
    throw new AppError("conflict:subscription_exists", { message: "Your organization already has a subscription: change its plan with Manage billing." });
  }
  try {
    const session = await stripe.checkout.sessions.create(
      checkoutSessionParams({ orgId: ctx.org.id, price, customerId: state.stripeCustomerId, email: ctx.user.email, origin: options.origin }),
    );
    if (!session.url) throw new Error("Stripe returned a Checkout session without a URL");
    return { url: session.url };
  } catch (error) {
    logger.error("starting a Stripe Checkout session failed", { organizationId: ctx.org.id, error });
    throw new AppError("internal:stripe", { message: "Stripe could not start the checkout. Please try again in a moment." });
  }
}

/** Manage: the Stripe customer portal (payment method, invoices, plan changes, cancellation) for the organization. */
export async function openCustomerPortal(_input: unknown, ctx: SessionContext, options: { origin: string; stripe?: Stripe }): Promise<BillingRedirect> {
  requireOwner(ctx);
  const stripe = requireStripe(options.stripe ?? stripeClient());
  const state = await getBillingState({ orgId: ctx.org.id });
  if (!state?.stripeCustomerId) {
    throw new AppError("conflict:no_customer", { message: "There is no Stripe subscription to manage yet. Choose a plan first." });
  }
  try {
    const session = await stripe.billingPortal.sessions.create({ customer: state.stripeCustomerId, return_url: `${options.origin}/billing` });
    return { url: session.url };
  } catch (error) {
    logger.error("opening the Stripe customer portal failed", { organizationId: ctx.org.id, error });
    throw new AppError("internal:stripe", { message: "Stripe could not open the billing portal. Please try again in a moment." });
  }
}
