import type { Metadata } from "next";
import { Breadcrumb } from "@/components/portal/breadcrumb";
import { PageHeader } from "@/components/portal/page-header";
import { EndpointForm } from "@/components/webhooks/endpoint-form";
import { UpgradeNotice } from "@/components/webhooks/upgrade-notice";
import { requireSession } from "@/lib/auth/session";
import { planIncludesWebhooks, webhooksPlanName } from "@/lib/plans";
import { EVENT_CHOICES } from "@/lib/events/catalog";

export const metadata: Metadata = { title: "Create Webhook" };

export default async function NewWebhookPage() {
  const { org } = await requireSession();
  return (
    <div className="max-w-3xl">
        <Breadcrumb parent={{ href: "/webhooks", label: "Webhooks" }} current="New" />
      <PageHeader title="Create Webhook" description="Herald will POST the events you choose to this URL, signed, with retries." />
      {planIncludesWebhooks(org.plan) ? (
        <EndpointForm events={EVENT_CHOICES} />
      ) : (
        <UpgradeNotice planName={webhooksPlanName()} currentPlan={org.plan} />
      )}
    </div>
  );
}
