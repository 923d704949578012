import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { deliveryIdSchema } from "@/app/(portal)/webhooks/logs/schemas";
import { DeliveryDetail } from "@/components/logs/delivery-detail";
import { getDeliveryDetailForAdmin } from "@/db/queries/deliveries";
import { listOrganizationsForAdmin } from "@/db/queries/organizations";
import { requireAdmin } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Delivery" };

export default async function AdminDeliveryPage({ params }: { params: Promise<{ id: string }> }) {
  const { user } = await requireAdmin();
  const { id } = await params;
  const detail = deliveryIdSchema.safeParse(id).success
    ? await getDeliveryDetailForAdmin({ isPlatformAdmin: user.isPlatformAdmin, id })
    : undefined;
  if (!detail) notFound();
  const organizations = await listOrganizationsForAdmin({ isPlatformAdmin: user.isPlatformAdmin });
  const organizationName = organizations.find((o) => o.id === detail.delivery.organizationId)?.name;
  // Read-only here: redelivering is the partner's decision, from their own Logs.
  return <DeliveryDetail detail={detail} parent={{ href: "/admin/logs", label: "All deliveries" }} organizationName={organizationName} />;
}
