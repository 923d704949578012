import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/portal/page-header";
import { EndpointForm } from "@/components/webhooks/endpoint-form";
import { UpgradeNotice } from "@/components/webhooks/upgrade-notice";
import { requireSession } from "@/lib/auth/session";
import { planIncludesWebhooks, webhooksPlanName } from "@/lib/plans";
import { EVENT_CHOICES } from "@/lib/webhooks/catalog";

export const metadata: Metadata = { title: "Create Webhook" };

export default async function NewWebhookPage() {
  const { org } = await requireSession();
  return (
    <div className="mx-auto max-w-3xl">
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-muted-foreground">
        <Link href="/webhooks" className="hover:text-foreground hover:underline">
          Webhooks
        </Link>{" "}
        / New
      </nav>
      <PageHeader title="Create Webhook" description="Herald will POST the events you choose to this URL, signed, with retries." />
      {planIncludesWebhooks(org.plan) ? (
        <EndpointForm events={EVENT_CHOICES} />
      ) : (
        <UpgradeNotice planName={webhooksPlanName()} currentPlan={org.plan} />
      )}
    </div>
  );
}
