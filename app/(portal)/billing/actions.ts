"use server";

import { headers } from "next/headers";
import type { ActionResult } from "@/lib/action";
import { createAction } from "@/lib/auth/action";
import { openCustomerPortal, startCheckout, type BillingRedirect } from "@/lib/billing/checkout";
import { env } from "@/lib/env";
import { openPortalSchema, startCheckoutSchema } from "./schemas";

/** Where Stripe sends people back: APP_URL, else this request's own origin. */
async function origin(): Promise<string> {
  if (env.appUrl) return env.appUrl;
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost:3000";
  const proto = h.get("x-forwarded-proto") ?? (host.startsWith("localhost") || host.startsWith("127.0.0.1") ? "http" : "https");
  return `${proto}://${host}`;
}

const checkout = createAction(startCheckoutSchema, async (input, ctx) => startCheckout(input, ctx, { origin: await origin() }));
const portal = createAction(openPortalSchema, async (input, ctx) => openCustomerPortal(input, ctx, { origin: await origin() }));

/** Upgrade: starts a Stripe Checkout session and answers its URL (owners only). */
export async function startCheckoutAction(input: unknown): Promise<ActionResult<BillingRedirect>> {
  return checkout(input);
}

/** Manage billing: opens the Stripe customer portal and answers its URL (owners only). */
export async function openCustomerPortalAction(input: unknown): Promise<ActionResult<BillingRedirect>> {
  return portal(input);
}
