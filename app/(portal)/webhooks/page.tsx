import { Plus, Webhook } from "lucide-react";
import type { Metadata } from "next";
import { OrgDeliveriesPaused } from "@/components/billing/org-deliveries-paused";
import Link from "next/link";
import { PageHeader } from "@/components/portal/page-header";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { EndpointsTable } from "@/components/webhooks/endpoints-table";
import { UpgradeNotice } from "@/components/webhooks/upgrade-notice";
import { requireSession } from "@/lib/auth/session";
import { planIncludesWebhooks, webhooksPlanName } from "@/lib/plans";
import { endpointStats } from "@/db/queries/webhooks";
import { latestVerificationRuns } from "@/db/queries/verification-checks";
import { listEndpoints } from "@/lib/endpoints/operations";

export const metadata: Metadata = { title: "Webhooks" };

const DESCRIPTION =
  "Endpoints on your servers that Herald notifies, in real time, when a verification session ends or a credential changes.";

export default async function WebhooksPage() {
  const { org } = await requireSession();
  const allowed = planIncludesWebhooks(org.plan);
  const [endpoints, stats, verified] = await Promise.all([
    listEndpoints({ orgId: org.id }),
    endpointStats({ orgId: org.id }),
    latestVerificationRuns({ orgId: org.id }),
  ]);
  // The badge holds only while the endpoint is what was checked: a new URL or signing method needs a new check.
  const verifiesSignatures = (e: { id: string; url: string; signatureScheme: string }) => {
    const latest = verified.get(e.id);
    return latest?.outcome === "passed" && latest.url === e.url && latest.signatureScheme === e.signatureScheme;
  };
  // A downgraded organization keeps its endpoints: it sees them, with the paused banner, but cannot add more.
  if (!allowed && endpoints.length === 0) {
    return (
      <>
        <PageHeader title="Webhooks" description={DESCRIPTION} />
        <UpgradeNotice planName={webhooksPlanName()} currentPlan={org.plan} />
      </>
    );
  }
  const createButton = (
    <Button asChild>
      <Link href="/webhooks/new">
        <Plus className="size-4" aria-hidden />
        Create Webhook
      </Link>
    </Button>
  );
  return (
    <>
      <PageHeader title="Webhooks" description={DESCRIPTION} actions={allowed && endpoints.length > 0 ? createButton : undefined} />
      <OrgDeliveriesPaused orgId={org.id} />
      {endpoints.length === 0 ? (
        <EmptyState
          icon={Webhook}
          title="No webhook endpoints yet"
          description={
            <>
              Add an HTTPS endpoint and Herald will POST each event you choose to it, signed with HMAC-SHA256 and retried
              with exponential backoff until your server answers 2xx.
            </>
          }
          action={createButton}
        />
      ) : (
        <EndpointsTable
          endpoints={endpoints.map((e) => ({
            id: e.id,
            url: e.url,
            description: e.description,
            active: e.active,
            disabledReason: e.disabledReason,
            eventTypes: e.eventTypes,
            timeoutSeconds: e.timeoutSeconds,
            maxRetries: e.maxRetries,
            createdAt: e.createdAt,
            lastDeliveryAt: stats.get(e.id)?.lastDeliveryAt?.toISOString() ?? null,
            lastStatus: stats.get(e.id)?.lastStatus ?? null,
            lastStatusCode: stats.get(e.id)?.lastStatusCode ?? null,
            verifiesSignatures: verifiesSignatures(e),
            health: e.health,
            failingSince: e.failingSince,
            lastFailure: e.lastFailure,
            disabledCause: e.disabledCause,
            hourly24h: stats.get(e.id)?.hourly24h ?? Array.from({ length: 24 }, () => ({ finished: 0, succeeded: 0 })),
          }))}
        />
      )}
    </>
  );
}
