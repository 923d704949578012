import { Receipt } from "lucide-react";
import type { Metadata } from "next";
import { Breadcrumb } from "@/components/portal/breadcrumb";
import { PageHeader } from "@/components/portal/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { listStripeEventsForAdmin } from "@/db/queries/billing";
import type { StripeEventOutcome } from "@/db/schema";
import { requireAdmin } from "@/lib/auth/session";
import { HANDLED_STRIPE_EVENTS } from "@/lib/billing/stripe-events";
import { env } from "@/lib/env";
import { Time } from "@/components/time/time";
import { PLAN_INFO } from "@/lib/plans";

export const metadata: Metadata = { title: "Stripe events" };

const OUTCOME_VARIANT: Record<StripeEventOutcome, "success" | "secondary" | "warning" | "destructive" | "outline"> = {
  processed: "success",
  ignored: "secondary",
  stale: "outline",
  unmatched: "warning",
  invalid: "destructive",
  failed: "destructive",
};

const SHOWN = 200;

export default async function StripeEventsPage() {
  const { user } = await requireAdmin();
  const events = await listStripeEventsForAdmin({ isPlatformAdmin: user.isPlatformAdmin, limit: SHOWN });
  const prices = [...env.billing.pricePlans];
  return (
    <>
      <Breadcrumb parent={{ href: "/admin", label: "Admin" }} current="Stripe events" />
      <PageHeader
        title="Stripe events"
        description={`The last ${SHOWN} events Stripe sent to /api/webhooks/stripe with a valid signature, newest first, and what each did.`}
      />
      <Card className="mb-6">
        <CardHeader>
          <CardTitle>Configuration</CardTitle>
        </CardHeader>
        <CardContent>
          <dl className="grid gap-2 text-sm sm:grid-cols-[12rem_1fr]">
            <dt className="text-muted-foreground">Webhook signing secret</dt>
            <dd data-testid="stripe-webhook-configured">
              {env.billing.webhookSecret ? <Badge variant="success">Set</Badge> : <Badge variant="warning">Not set: Stripe&apos;s calls get 503</Badge>}
            </dd>
            <dt className="text-muted-foreground">Checkout and portal</dt>
            <dd>{env.billing.secretKey ? <Badge variant="success">Enabled</Badge> : <Badge variant="secondary">Off (no STRIPE_SECRET_KEY)</Badge>}</dd>
            <dt className="text-muted-foreground">Prices</dt>
            <dd className="font-mono text-xs">
              {prices.length === 0 ? (
                <span className="font-sans text-sm text-muted-foreground">None mapped (STRIPE_PRICE_PLANS)</span>
              ) : (
                prices.map(([price, plan]) => (
                  <div key={price}>
                    {price} → {PLAN_INFO[plan].name}
                  </div>
                ))
              )}
            </dd>
          </dl>
        </CardContent>
      </Card>
      {events.length === 0 ? (
        <EmptyState
          icon={Receipt}
          title="No Stripe events yet"
          description={
            <>
              Add a webhook endpoint in Stripe pointing at <code className="font-mono">/api/webhooks/stripe</code> on this
              server, with the events {HANDLED_STRIPE_EVENTS.join(", ")}. The README explains each step.
            </>
          }
        />
      ) : (
        <div className="overflow-x-auto rounded-lg border bg-card">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Received</TableHead>
                <TableHead>Event</TableHead>
                <TableHead>Organization</TableHead>
                <TableHead>Outcome</TableHead>
                <TableHead>Detail</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {events.map((e) => (
                <TableRow key={e.id} data-testid="stripe-event-row">
                  <TableCell className="whitespace-nowrap text-muted-foreground"><Time value={e.receivedAt} seconds /></TableCell>
                  <TableCell>
                    <div className="font-medium">{e.type}</div>
                    <div className="font-mono text-xs text-muted-foreground">
                      {e.id}
                      {e.livemode ? "" : " · test mode"}
                    </div>
                  </TableCell>
                  <TableCell>{e.organizationName ?? <span className="text-muted-foreground">—</span>}</TableCell>
                  <TableCell>
                    <Badge variant={OUTCOME_VARIANT[e.outcome]}>{e.outcome}</Badge>
                  </TableCell>
                  <TableCell className="max-w-md text-sm text-muted-foreground">{e.detail}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </>
  );
}
