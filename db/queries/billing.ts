import { and, asc, count, desc, eq, isNull, sql } from "drizzle-orm";
import { getDb } from "@/db";
import {
  organizationBilling,
  organizations,
  pausedDeliveries,
  stripeEvents,
  type Plan,
  type PlanSource,
  type StripeEventOutcome,
  type SubscriptionStatus,
  webhookEndpoints,
} from "@/db/schema";

/** What the Billing page, the Webhooks banner and the delivery gate need to know about an organization's plan. */
export interface BillingState {
  plan: Plan;
  status: SubscriptionStatus | null;
  currentPeriodEnd: Date | null;
  paymentFailed: boolean;
  planSource: PlanSource | null;
  planSetBy: string | null;
  planSetAt: Date | null;
  stripeCustomerId: string | null;
  stripeSubscriptionId: string | null;
}

/** The subscription columns both the partner's and the admin's billing queries read. */
const BILLING_COLUMNS = {
  status: organizationBilling.status,
  currentPeriodEnd: organizationBilling.currentPeriodEnd,
  paymentFailed: organizationBilling.paymentFailed,
  planSource: organizationBilling.planSource,
  planSetBy: organizationBilling.planSetBy,
  planSetAt: organizationBilling.planSetAt,
  stripeCustomerId: organizationBilling.stripeCustomerId,
  stripeSubscriptionId: organizationBilling.stripeSubscriptionId,
};

/** The caller's organization's plan and subscription; undefined when the organization is gone. */
export async function getBillingState({ orgId }: { orgId: string }): Promise<BillingState | undefined> {
  const db = await getDb();
  const [row] = await db
    .select({
      plan: organizations.plan,
      ...BILLING_COLUMNS,
    })
    .from(organizations)
    .leftJoin(organizationBilling, eq(organizationBilling.organizationId, organizations.id))
    .where(eq(organizations.id, orgId))
    .limit(1);
  if (!row) return undefined;
  return { ...row, paymentFailed: row.paymentFailed ?? false };
}

/** How many of the organization's deliveries wait for its plan (for the paused banner). */
export async function countPausedDeliveries({ orgId }: { orgId: string }): Promise<number> {
  const db = await getDb();
  const [row] = await db.select({ n: count() }).from(pausedDeliveries).where(eq(pausedDeliveries.organizationId, orgId));
  return row?.n ?? 0;
}

/**
 * Whether a pause means anything to the organization: it has endpoints (kept through a downgrade) or deliveries
 * waiting. A free organization that never had webhooks is not told its deliveries are paused.
 */
export async function hasDeliveriesToPause({ orgId }: { orgId: string }): Promise<{ waiting: number; relevant: boolean }> {
  const db = await getDb();
  const [waiting, [endpoint]] = await Promise.all([
    countPausedDeliveries({ orgId }),
    db
      .select({ id: webhookEndpoints.id })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.organizationId, orgId), isNull(webhookEndpoints.deletedAt)))
      .limit(1),
  ]);
  return { waiting, relevant: waiting > 0 || Boolean(endpoint) };
}

export interface OrganizationBillingSummary extends BillingState {
  id: string;
  name: string;
  slug: string;
  pausedDeliveries: number;
}

/** Every organization's plan and subscription, for platform admins; fails closed for anyone else. */
export async function listOrganizationBillingForAdmin({ isPlatformAdmin }: { isPlatformAdmin: boolean }): Promise<OrganizationBillingSummary[]> {
  if (!isPlatformAdmin) return [];
  const db = await getDb();
  const rows = await db
    .select({
      id: organizations.id,
      name: organizations.name,
      slug: organizations.slug,
      plan: organizations.plan,
      ...BILLING_COLUMNS,
      pausedDeliveries: sql<number>`(select count(*)::int from ${pausedDeliveries} where ${pausedDeliveries.organizationId} = ${organizations.id})`,
    })
    .from(organizations)
    .leftJoin(organizationBilling, eq(organizationBilling.organizationId, organizations.id))
    .orderBy(asc(organizations.name));
  return rows.map((r) => ({ ...r, paymentFailed: r.paymentFailed ?? false, pausedDeliveries: Number(r.pausedDeliveries) }));
}

export interface StripeEventView {
  id: string;
  type: string;
  stripeCreatedAt: Date;
  receivedAt: Date;
  livemode: boolean;
  outcome: StripeEventOutcome;
  detail: string | null;
  organizationId: string | null;
  organizationName: string | null;
}

/** The most recent Stripe events received, newest first, for platform admins; fails closed for anyone else. */
export async function listStripeEventsForAdmin({ isPlatformAdmin, limit = 100 }: { isPlatformAdmin: boolean; limit?: number }): Promise<StripeEventView[]> {
  if (!isPlatformAdmin) return [];
  const db = await getDb();
  return db
    .select({
      id: stripeEvents.id,
      type: stripeEvents.type,
      stripeCreatedAt: stripeEvents.stripeCreatedAt,
      receivedAt: stripeEvents.receivedAt,
      livemode: stripeEvents.livemode,
      outcome: stripeEvents.outcome,
      detail: stripeEvents.detail,
      organizationId: stripeEvents.organizationId,
      organizationName: organizations.name,
    })
    .from(stripeEvents)
    .leftJoin(organizations, eq(organizations.id, stripeEvents.organizationId))
    .orderBy(desc(stripeEvents.receivedAt), desc(stripeEvents.id))
    .limit(limit);
}
