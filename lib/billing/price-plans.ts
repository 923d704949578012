import type { Plan } from "@/db/schema/organizations";

/**
 * The plan ids, repeated here (a unit test keeps them equal to db/schema's PLANS) because lib/env.ts reads this
 * module and must not pull the database schema into every bundle that reads the environment.
 */
export const PLAN_IDS = ["free", "pro", "enterprise"] as const satisfies readonly Plan[];

export type PricePlans = ReadonlyMap<string, Plan>;

/**
 * Reads STRIPE_PRICE_PLANS, "price_123:enterprise,price_456:pro": which plan each Stripe price id grants. Returns
 * the mapping, or a message that names the entry at fault (lib/env.ts turns it into a start-up error).
 */
export function parsePricePlans(value: string | undefined): { ok: true; plans: PricePlans } | { ok: false; message: string } {
  const plans = new Map<string, Plan>();
  if (!value || value.trim() === "") return { ok: true, plans };
  for (const entry of value.split(",").map((e) => e.trim()).filter(Boolean)) {
    const [price, plan, ...rest] = entry.split(":").map((p) => p.trim());
    if (!price || !plan || rest.length > 0) {
      return { ok: false, message: `"${entry}" is not price_id:plan (e.g. price_123:enterprise)` };
    }
    if (!/^price_[A-Za-z0-9_]+$/.test(price)) {
      return { ok: false, message: `"${price}" is not a Stripe price id (they start with price_)` };
    }
    if (!(PLAN_IDS as readonly string[]).includes(plan)) {
      return { ok: false, message: `"${plan}" (for ${price}) is not a plan; use one of ${PLAN_IDS.join(", ")}` };
    }
    if (plans.has(price) && plans.get(price) !== plan) {
      return { ok: false, message: `${price} is mapped twice, to ${plans.get(price)} and to ${plan}` };
    }
    plans.set(price, plan as Plan);
  }
  return { ok: true, plans };
}

/** The first configured price for a plan: what "Upgrade" puts in the Checkout session. */
export function priceForPlan(plans: PricePlans, plan: Plan): string | undefined {
  for (const [price, p] of plans) if (p === plan) return price;
  return undefined;
}
