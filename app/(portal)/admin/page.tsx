import type { Metadata } from "next";
import Link from "next/link";
import { SetPlanDialog } from "@/components/billing/set-plan-dialog";
import { SubscriptionStatusBadge } from "@/components/billing/subscription-status";
import { PageHeader } from "@/components/portal/page-header";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { listOrganizationBillingForAdmin } from "@/db/queries/billing";
import { listOrganizationsForAdmin } from "@/db/queries/organizations";
import { requireAdmin } from "@/lib/auth/session";
import { Time } from "@/components/time/time";
import { PLAN_INFO } from "@/lib/plans";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  const { user } = await requireAdmin();
  const [orgs, billing] = await Promise.all([
    listOrganizationsForAdmin({ isPlatformAdmin: user.isPlatformAdmin }),
    listOrganizationBillingForAdmin({ isPlatformAdmin: user.isPlatformAdmin }),
  ]);
  const billingById = new Map(billing.map((b) => [b.id, b]));
  return (
    <>
      <PageHeader
        title="Admin"
        description="Every partner organization on this Herald installation, with its plan and subscription. Visible to platform admins only."
        actions={
          <>
            <Button asChild variant="outline">
              <Link href="/admin/stripe-events">Stripe events</Link>
            </Button>
            <Button asChild variant="outline">
              <Link href="/admin/logs">All deliveries</Link>
            </Button>
          </>
        }
      />
      <div className="overflow-x-auto rounded-lg border bg-card">
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>Organization</TableHead>
              <TableHead>Plan</TableHead>
              <TableHead>Subscription</TableHead>
              <TableHead>Period ends</TableHead>
              <TableHead>Plan set by</TableHead>
              <TableHead className="text-right">Members</TableHead>
              <TableHead>Last sign-in</TableHead>
              <TableHead>
                <span className="sr-only">Actions</span>
              </TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {orgs.map((o) => {
              const b = billingById.get(o.id);
              return (
                <TableRow key={o.id} data-testid="admin-org-row">
                  <TableCell>
                    <div className="font-medium">{o.name}</div>
                    <div className="font-mono text-xs text-muted-foreground">{o.slug}</div>
                  </TableCell>
                  <TableCell>
                    <Badge variant={o.plan === "enterprise" ? "default" : "secondary"}>{PLAN_INFO[o.plan].name}</Badge>
                  </TableCell>
                  <TableCell>
                    <div className="flex flex-wrap items-center gap-1">
                      <SubscriptionStatusBadge status={b?.status ?? null} />
                      {b?.paymentFailed ? <Badge variant="destructive">Payment failed</Badge> : null}
                      {b && b.pausedDeliveries > 0 ? <Badge variant="warning">{b.pausedDeliveries} paused</Badge> : null}
                    </div>
                  </TableCell>
                  <TableCell className="text-muted-foreground"><Time value={b?.currentPeriodEnd ?? null} /></TableCell>
                  <TableCell className="text-muted-foreground" data-testid="plan-source">
                    {b?.planSource === "manual" ? (
                      <>
                        {b.planSetBy}
                        <div className="text-xs">
                          <Time value={b.planSetAt} />
                        </div>
                      </>
                    ) : b?.planSource === "stripe" ? (
                      "Stripe"
                    ) : (
                      "—"
                    )}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{o.memberCount}</TableCell>
                  <TableCell className="text-muted-foreground"><Time value={o.lastLoginAt} relative /></TableCell>
                  <TableCell className="text-right">
                    <SetPlanDialog organizationId={o.id} organizationName={o.name} plan={o.plan} />
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </div>
    </>
  );
}
