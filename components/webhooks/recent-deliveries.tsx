import { ArrowRight, ScrollText } from "lucide-react";
import Link from "next/link";
import { DeliveriesTable } from "@/components/logs/deliveries-table";
import { toDeliveryRow } from "@/components/logs/logs-view";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import type { DeliveryListRow } from "@/db/queries/deliveries";

/** The endpoint page's latest deliveries (status, event, time, attempts), with the way to all of them in Logs. */
export function RecentDeliveries({ endpointId, rows, retryNow }: { endpointId: string; rows: DeliveryListRow[]; retryNow: boolean }) {
  return (
    <Card data-testid="recent-deliveries">
      <CardHeader>
        <div className="flex flex-wrap items-start justify-between gap-2">
          <div>
            <CardTitle>Recent deliveries</CardTitle>
            <CardDescription>Its latest deliveries, newest first: open one for its attempts.</CardDescription>
          </div>
          <Button asChild variant="outline" size="sm">
            <Link href={`/webhooks/logs?endpoint=${endpointId}`}>
              View all in Logs
              <ArrowRight className="size-4" aria-hidden />
            </Link>
          </Button>
        </div>
      </CardHeader>
      <CardContent>
        {rows.length === 0 ? (
          <EmptyState
            icon={ScrollText}
            title="No deliveries yet"
            description="Deliveries show here as soon as an event is sent to this endpoint: try Send test event."
          />
        ) : (
          <DeliveriesTable
            basePath="/webhooks/logs"
            hideEndpoint
            caption="Recent deliveries to this endpoint"
            rows={rows.map((r) => toDeliveryRow(r, retryNow))}
            emptyState={null}
          />
        )}
      </CardContent>
    </Card>
  );
}
