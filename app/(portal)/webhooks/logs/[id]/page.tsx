import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { DeliveryDetail } from "@/components/logs/delivery-detail";
import { RedeliverButton } from "@/components/logs/redeliver-button";
import { RetryNowButton } from "@/components/logs/retry-now-button";
import { getDeliveryDetail } from "@/db/queries/deliveries";
import { requireSession } from "@/lib/auth/session";
import { RETRY_NOW_UNSUPPORTED, retryNowSupported } from "@/lib/delivery/retry-now";
import { deliveryIdSchema } from "../schemas";

export const metadata: Metadata = { title: "Delivery" };

export default async function DeliveryPage({ params }: { params: Promise<{ id: string }> }) {
  const { org } = await requireSession();
  const { id } = await params;
  const detail = deliveryIdSchema.safeParse(id).success ? await getDeliveryDetail({ orgId: org.id, id }) : undefined;
  if (!detail) notFound();
  return (
    <DeliveryDetail
      detail={detail}
      parent={{ href: "/webhooks/logs", label: "Logs" }}
      endpointHref={`/webhooks/${detail.endpoint.id}`}
      actions={({ redeliverBlocked, waitingForRetry }) => (
        <RedeliverButton
          id={detail.delivery.id}
          disabledReason={redeliverBlocked}
          before={
            waitingForRetry ? (
              retryNowSupported() ? (
                <RetryNowButton id={detail.delivery.id} />
              ) : (
                <p className="max-w-xs text-xs text-muted-foreground">{RETRY_NOW_UNSUPPORTED}</p>
              )
            ) : null
          }
        />
      )}
    />
  );
}
