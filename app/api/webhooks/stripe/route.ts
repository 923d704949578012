import { NextResponse } from "next/server";
import Stripe from "stripe";
import { handleStripeEvent } from "@/lib/billing/stripe-events";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { BodyTooLargeError, readTextLimited } from "@/lib/read-body";

export const dynamic = "force-dynamic";

/** Stripe's events are a few KB; anything far larger is not Stripe. */
const MAX_BODY_BYTES = 1024 * 1024;

function error(status: number, code: string, message: string) {
  return NextResponse.json({ error: { code, message } }, { status });
}

/**
 * POST /api/webhooks/stripe: Stripe's events about subscriptions and invoices. The `Stripe-Signature` header is
 * verified over the raw body with STRIPE_WEBHOOK_SECRET by the official package, within its timestamp tolerance
 * (5 minutes), before anything is read; a missing or bad signature changes nothing.
 */
export async function POST(request: Request) {
  const secret = env.billing.webhookSecret;
  if (!secret) {
    logger.error("a Stripe webhook arrived but STRIPE_WEBHOOK_SECRET is not set: set it to the endpoint's signing secret (whsec_...)");
    return error(503, "billing_not_configured", "Stripe webhooks are not configured on this server.");
  }
  const signature = request.headers.get("stripe-signature");
  if (!signature) return error(400, "missing_signature", "The Stripe-Signature header is missing.");
  // The signature covers the exact bytes Stripe sent: read the body as text, never re-serialised JSON. Streamed with
  // the limit, so an upload of any size costs at most 1 MB of memory before it is refused.
  let raw: string;
  try {
    raw = await readTextLimited(request, MAX_BODY_BYTES);
  } catch (e) {
    if (e instanceof BodyTooLargeError) return error(413, "payload_too_large", e.message);
    throw e;
  }
  let event: unknown;
  try {
    event = Stripe.webhooks.constructEvent(raw, signature, secret);
  } catch (e) {
    logger.warn("rejected a Stripe webhook with an invalid signature", { reason: e instanceof Error ? e.message.slice(0, 200) : "unknown" });
    return error(400, "invalid_signature", "The Stripe-Signature header does not match the body, or is too old.");
  }
  try {
    const result = await handleStripeEvent(event);
    if (result.outcome === "invalid" && !result.duplicate && result.detail === "The event could not be read.") {
      return error(400, "invalid_event", result.detail);
    }
    return NextResponse.json({ received: true, outcome: result.outcome, duplicate: result.duplicate });
  } catch {
    // Logged where it failed; a 500 makes Stripe retry the event later.
    return error(500, "internal", "The event could not be processed. Stripe will retry it.");
  }
}
