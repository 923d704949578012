import { Check, CreditCard, Minus } from "lucide-react";
import type { Metadata } from "next";
import { connection } from "next/server";
import { OrgDeliveriesPaused } from "@/components/billing/org-deliveries-paused";
import { ManageBillingButton, UpgradeButton } from "@/components/billing/billing-buttons";
import { SubscriptionStatusBadge } from "@/components/billing/subscription-status";
import { PageHeader } from "@/components/portal/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getBillingState } from "@/db/queries/billing";
import { PLANS, type Plan } from "@/db/schema";
import { requireSession } from "@/lib/auth/session";
import { onlineBillingEnabled } from "@/lib/billing/checkout";
import { priceForPlan } from "@/lib/billing/price-plans";
import { env } from "@/lib/env";
import { Time } from "@/components/time/time";
import { deliveryPause, PLAN_INFO, planIncludesApi, planIncludesWebhooks } from "@/lib/plans";

export const metadata: Metadata = { title: "Billing" };

const RANK: Record<Plan, number> = { free: 0, pro: 1, enterprise: 2 };

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex flex-col gap-1 sm:flex-row sm:items-center sm:gap-4">
      <dt className="w-40 shrink-0 text-muted-foreground">{label}</dt>
      <dd className="flex flex-wrap items-center gap-2">{children}</dd>
    </div>
  );
}

export default async function BillingPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const { org, user } = await requireSession();
  const [state, params] = await Promise.all([getBillingState({ orgId: org.id }), searchParams]);
  const plan = state?.plan ?? org.plan;
  const status = state?.status ?? null;
  const pause = deliveryPause({ plan, status });
  const online = onlineBillingEnabled();
  const isOwner = user.role === "owner";
  const liveSubscription = Boolean(state?.stripeSubscriptionId) && status !== null && status !== "canceled";
  const canManage = online && isOwner && Boolean(state?.stripeCustomerId);
  const periodLabel = status === "canceled" ? "Ended" : "Current period ends";

  return (
    <>
      <PageHeader
        title="Billing"
        description="Your organization's plan, its subscription, and what each plan includes."
        actions={canManage ? <ManageBillingButton /> : undefined}
      />
      {params.checkout === "success" ? (
        <p role="status" className="mb-6 rounded-lg border border-success/40 bg-success/10 p-4 text-sm" data-testid="checkout-success">
          Thank you! Stripe is confirming your subscription; your plan below changes as soon as it does (usually within
          seconds). Reload the page to see it.
        </p>
      ) : null}
      {params.checkout === "cancelled" ? (
        <p role="status" className="mb-6 rounded-lg border bg-card p-4 text-sm text-muted-foreground">
          Checkout was cancelled; nothing changed.
        </p>
      ) : null}
      <OrgDeliveriesPaused orgId={org.id} showBillingLink={false} />

      <Card className="mb-6" data-testid="subscription">
        <CardHeader>
          <CardTitle>Your subscription</CardTitle>
          <CardDescription>As Stripe last reported it, or as the platform team set it.</CardDescription>
        </CardHeader>
        <CardContent>
          <dl className="space-y-3 text-sm">
            <Row label="Plan">
              <span className="font-medium" data-testid="subscription-plan">
                {PLAN_INFO[plan].name}
              </span>
            </Row>
            <Row label="Status">
              <span data-testid="subscription-status">
                <SubscriptionStatusBadge status={status} />
              </span>
              {state?.paymentFailed ? <Badge variant="destructive">Last payment failed</Badge> : null}
            </Row>
            <Row label={periodLabel}>
              <span data-testid="subscription-period-end">
                <Time value={state?.currentPeriodEnd ?? null} />
              </span>
            </Row>
            <Row label="Outbound webhooks">
              {planIncludesWebhooks(plan) ? (
                pause ? (
                  <Badge variant="warning">Paused</Badge>
                ) : (
                  <Badge variant="success">Included</Badge>
                )
              ) : (
                <span className="text-muted-foreground">Not included (part of {env.webhooksRequiredPlan === "none" ? "every plan" : PLAN_INFO[env.webhooksRequiredPlan].name})</span>
              )}
            </Row>
            {state?.planSource === "manual" ? (
              <Row label="Set by">
                <span className="text-muted-foreground">
                  The platform team ({state.planSetBy ?? "unknown"}, <Time value={state.planSetAt} />)
                </span>
              </Row>
            ) : null}
          </dl>
        </CardContent>
      </Card>

      <div className="grid gap-4 md:grid-cols-3">
        {PLANS.map((id) => {
          const info = PLAN_INFO[id];
          const current = id === plan;
          const purchasable = id !== "free" && RANK[id] > RANK[plan] && Boolean(priceForPlan(env.billing.pricePlans, id));
          return (
            <Card key={id} className={current ? "flex flex-col border-primary ring-1 ring-primary" : "flex flex-col"} data-testid={`plan-${id}`}>
              <CardHeader>
                <div className="flex items-center justify-between">
                  <CardTitle>{info.name}</CardTitle>
                  {current ? <Badge>Current plan</Badge> : null}
                </div>
                <CardDescription>{info.summary}</CardDescription>
              </CardHeader>
              <CardContent className="flex flex-1 flex-col gap-4">
                <ul className="flex-1 space-y-2 text-sm">
                  {info.features.map((f) => (
                    <li key={f} className="flex items-center gap-2">
                      <Check className="size-4 text-success" aria-hidden />
                      {f}
                    </li>
                  ))}
                  <GatedFeature label="Public API, API keys and polling" included={planIncludesApi(id)} />
                  <GatedFeature label="Outbound webhooks" included={planIncludesWebhooks(id)} />
                </ul>
                {online && purchasable && isOwner ? (
                  liveSubscription ? (
                    <p className="text-xs text-muted-foreground">Change plans with Manage billing.</p>
                  ) : (
                    <UpgradeButton plan={id as "pro" | "enterprise"} planName={info.name} />
                  )
                ) : null}
              </CardContent>
            </Card>
          );
        })}
      </div>

      {online ? (
        isOwner ? null : (
          <p className="mt-6 text-sm text-muted-foreground">Only the organization&apos;s owners can change its plan or payment details.</p>
        )
      ) : (
        <div className="mt-6 flex items-start gap-3 rounded-lg border bg-card p-4 text-sm text-muted-foreground" data-testid="billing-not-configured">
          <CreditCard className="mt-0.5 size-4 shrink-0" aria-hidden />
          <p>
            <span className="font-medium text-foreground">Online billing is not configured</span> on this Herald
            installation, so there is no Upgrade here. Your plan is set by the platform team: contact them to change it.
          </p>
        </div>
      )}
    </>
  );
}

/** A feature whose plan is configurable: checked where included, dashed (and said "not included") where not. */
function GatedFeature({ label, included }: { label: string; included: boolean }) {
  return included ? (
    <li className="flex items-center gap-2 font-medium">
      <Check className="size-4 text-success" aria-hidden />
      {label}
    </li>
  ) : (
    <li className="flex items-center gap-2 text-muted-foreground">
      <Minus className="size-4" aria-hidden />
      <span>
        {label} <span className="sr-only">not included</span>
      </span>
    </li>
  );
}
