import type { Metadata } from "next";
import { OrgDeliveriesPaused } from "@/components/billing/org-deliveries-paused";
import { LiveToggle } from "@/components/logs/live-toggle";
import { LogsView } from "@/components/logs/logs-view";
import { PageHeader } from "@/components/portal/page-header";
import { countDeliveries, listDeliveries } from "@/db/queries/deliveries";
import { listEndpointChoices } from "@/db/queries/webhooks";
import { requireSession } from "@/lib/auth/session";
import { retryNowSupported } from "@/lib/delivery/retry-now";
import { endpointLabel } from "@/lib/endpoints/label";
import { planIncludesWebhooks, webhooksPlanName } from "@/lib/plans";
import { firstValues, logFiltersSchema, rangeError, toDeliveryFilters } from "../schemas";

export const metadata: Metadata = { title: "Webhook logs" };

export default async function WebhookLogsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { org } = await requireSession();
  const filters = logFiltersSchema.parse(firstValues(await searchParams));
  // A From after To can match nothing: said, and not queried.
  const refused = rangeError(filters);
  const query = toDeliveryFilters(filters);
  const [rows, total, endpoints] = await Promise.all([
    refused ? [] : listDeliveries({ orgId: org.id }, query),
    refused ? null : countDeliveries({ orgId: org.id }, query),
    listEndpointChoices({ orgId: org.id }),
  ]);
  return (
    <>
      <PageHeader
        title="Logs"
        description="Every delivery to your endpoints, newest first. Open one to see each attempt's request and response."
        actions={<LiveToggle />}
      />
      <OrgDeliveriesPaused orgId={org.id} />
      <LogsView
        basePath="/webhooks/logs"
        filters={filters}
        rows={rows}
        total={total}
        rangeError={refused}
        retryNow={retryNowSupported()}
        emptyHint={
          planIncludesWebhooks(org.plan)
            ? undefined
            : `Deliveries appear here once your organization is on the ${webhooksPlanName()} plan and has an endpoint: outbound webhooks are not part of your plan. See Billing to upgrade.`
        }
        endpoints={endpoints.map((e) => ({ id: e.id, label: `${endpointLabel(e)}${e.deletedAt ? " (deleted)" : ""}` }))}
      />
    </>
  );
}
