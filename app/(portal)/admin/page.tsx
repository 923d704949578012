import { Building2 } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { OrganizationActions } from "@/components/admin/organization-actions";
import { NewOrganizationButton } from "@/components/admin/organization-dialog";
import { SetPlanDialog } from "@/components/billing/set-plan-dialog";
import { SubscriptionStatusBadge } from "@/components/billing/subscription-status";
import { PageHeader } from "@/components/portal/page-header";
import { UrlSearchForm } from "@/components/portal/url-search-form";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Time } from "@/components/time/time";
import { listOrganizationBillingForAdmin } from "@/db/queries/billing";
import { ADMIN_ORGANIZATIONS_PAGE_SIZE, searchOrganizationsForAdmin } from "@/db/queries/organizations";
import { requireAdmin } from "@/lib/auth/session";
import { PLAN_INFO } from "@/lib/plans";

export const metadata: Metadata = { title: "Organizations" };

function one(value: string | string[] | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** `/admin?q=...&page=N`, leaving out what is empty. */
function hrefFor(query: string, page: number): string {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  if (page > 1) params.set("page", String(page));
  const search = params.toString();
  return search ? `/admin?${search}` : "/admin";
}

export default async function AdminPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { user } = await requireAdmin();
  const params = await searchParams;
  const query = (one(params.q) ?? "").trim().slice(0, 200);
  const requested = Number.parseInt(one(params.page) ?? "1", 10);
  const page = Number.isFinite(requested) && requested > 0 && requested < 100_000 ? requested : 1;
  const [{ rows, total }, billing] = await Promise.all([
    searchOrganizationsForAdmin({ isPlatformAdmin: user.isPlatformAdmin }, { query, page }),
    listOrganizationBillingForAdmin({ isPlatformAdmin: user.isPlatformAdmin }),
  ]);
  const billingById = new Map(billing.map((b) => [b.id, b]));
  const pages = Math.max(1, Math.ceil(total / ADMIN_ORGANIZATIONS_PAGE_SIZE));
  const first = total === 0 ? 0 : (page - 1) * ADMIN_ORGANIZATIONS_PAGE_SIZE + 1;
  const last = Math.min(total, page * ADMIN_ORGANIZATIONS_PAGE_SIZE);

  return (
    <>
      <PageHeader
        title="Organizations"
        description="Every partner organization on this Herald installation: create them, invite their first owner, set plans, deactivate. Visible to platform admins only."
        actions={
          <>
            <Button asChild variant="outline">
              <Link href="/admin/stripe-events">Stripe events</Link>
            </Button>
            <NewOrganizationButton>New organization</NewOrganizationButton>
          </>
        }
      />
      {/* The search box follows the URL (Back/Forward included), like every filtered list. */}
      <UrlSearchForm label="Search organizations" placeholder="Name, slug, external id or org_ id" />
      {rows.length === 0 ? (
        <EmptyState
          icon={Building2}
          title={query ? "No organization matches" : "No organizations yet"}
          description={query ? `Nothing matches "${query}". Try part of the name, the slug or the external id.` : "Create the first partner organization, then invite its owner."}
        />
      ) : (
        <div className="overflow-x-auto rounded-lg border bg-card">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Organization</TableHead>
                <TableHead>Plan</TableHead>
                <TableHead>Subscription</TableHead>
                <TableHead>Plan set by</TableHead>
                <TableHead className="text-right">Members</TableHead>
                <TableHead>Last sign-in</TableHead>
                <TableHead>
                  <span className="sr-only">Actions</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((o) => {
                const b = billingById.get(o.id);
                const active = !o.deactivatedAt;
                return (
                  <TableRow key={o.id} data-testid="admin-org-row" className={active ? undefined : "opacity-70"}>
                    <TableCell>
                      <div className="flex items-center gap-2 font-medium">
                        {o.name}
                        {active ? null : <Badge variant="destructive">Deactivated</Badge>}
                      </div>
                      <div className="font-mono text-xs text-muted-foreground">
                        {o.slug}
                        {o.externalId ? <span title="External id"> · {o.externalId}</span> : null}
                      </div>
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
                      {b?.currentPeriodEnd ? <div className="mt-1 text-xs text-muted-foreground">
                          Period ends <Time value={b.currentPeriodEnd} />
                        </div> : null}
                    </TableCell>
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
                    <TableCell className="text-right tabular-nums">
                      {o.memberCount}
                      {o.pendingInvitations > 0 ? (
                        <div className="text-xs text-muted-foreground" data-testid="pending-invitations">
                          {o.pendingInvitations} invited
                        </div>
                      ) : null}
                    </TableCell>
                    <TableCell className="text-muted-foreground">
                      <Time value={o.lastLoginAt} relative />
                    </TableCell>
                    <TableCell className="text-right">
                      <div className="flex items-center justify-end gap-1">
                        <SetPlanDialog organizationId={o.id} organizationName={o.name} plan={o.plan} />
                        <OrganizationActions organization={{ id: o.id, name: o.name, slug: o.slug, externalId: o.externalId }} active={active} />
                      </div>
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </div>
      )}
      <nav aria-label="Pages" className="mt-4 flex items-center justify-between gap-2 text-sm text-muted-foreground">
        <p data-testid="org-count">
          {total === 0 ? "No organizations" : `${first}–${last} of ${total} organization${total === 1 ? "" : "s"}`}
        </p>
        {pages > 1 ? (
          <div className="flex gap-2">
            {page > 1 ? (
              <Button asChild variant="outline" size="sm">
                <Link href={hrefFor(query, page - 1)} rel="prev">
                  Previous
                </Link>
              </Button>
            ) : null}
            <span className="self-center">
              Page {page} of {pages}
            </span>
            {page < pages ? (
              <Button asChild variant="outline" size="sm">
                <Link href={hrefFor(query, page + 1)} rel="next">
                  Next
                </Link>
              </Button>
            ) : null}
          </div>
        ) : null}
      </nav>
    </>
  );
}
