import { Check, CreditCard, Minus } from "lucide-react";
import type { Metadata } from "next";
import { PageHeader } from "@/components/portal/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { PLANS } from "@/db/schema";
import { requireSession } from "@/lib/auth/session";
import { PLAN_INFO, planIncludesWebhooks } from "@/lib/plans";

export const metadata: Metadata = { title: "Billing" };

export default async function BillingPage() {
  const { org } = await requireSession();
  return (
    <>
      <PageHeader title="Billing" description="Your organization's plan and what it includes." />
      <div className="grid gap-4 md:grid-cols-3">
        {PLANS.map((id) => {
          const plan = PLAN_INFO[id];
          const current = id === org.plan;
          return (
            <Card key={id} className={current ? "border-primary ring-1 ring-primary" : undefined} data-testid={`plan-${id}`}>
              <CardHeader>
                <div className="flex items-center justify-between">
                  <CardTitle>{plan.name}</CardTitle>
                  {current ? <Badge>Current plan</Badge> : null}
                </div>
                <CardDescription>{plan.summary}</CardDescription>
              </CardHeader>
              <CardContent>
                <ul className="space-y-2 text-sm">
                  {plan.features.map((f) => (
                    <li key={f} className="flex items-center gap-2">
                      <Check className="size-4 text-success" aria-hidden />
                      {f}
                    </li>
                  ))}
                  {planIncludesWebhooks(id) ? (
                    <li className="flex items-center gap-2 font-medium">
                      <Check className="size-4 text-success" aria-hidden />
                      Outbound webhooks
                    </li>
                  ) : (
                    <li className="flex items-center gap-2 text-muted-foreground">
                      <Minus className="size-4" aria-hidden />
                      <span>
                        Outbound webhooks <span className="sr-only">not included</span>
                      </span>
                    </li>
                  )}
                </ul>
              </CardContent>
            </Card>
          );
        })}
      </div>
      <div className="mt-6 flex items-start gap-3 rounded-lg border bg-card p-4 text-sm text-muted-foreground">
        <CreditCard className="mt-0.5 size-4 shrink-0" aria-hidden />
        <p>
          Online billing through Stripe (upgrade, payment method, invoices) is coming soon. Until then your plan is
          set by Herald&apos;s platform team; contact them to change it.
        </p>
      </div>
    </>
  );
}
