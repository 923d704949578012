import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { DeliveryDetail } from "@/components/logs/delivery-detail";
import { RedeliverButton } from "@/components/logs/redeliver-button";
import { getDeliveryDetail } from "@/db/queries/deliveries";
import { requireSession } from "@/lib/auth/session";
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
      actions={({ redeliverBlocked }) => <RedeliverButton id={detail.delivery.id} disabledReason={redeliverBlocked} />}
    />
  );
}
