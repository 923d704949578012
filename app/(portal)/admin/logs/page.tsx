import type { Metadata } from "next";
import { LiveToggle } from "@/components/logs/live-toggle";
import { LogsView } from "@/components/logs/logs-view";
import { PageHeader } from "@/components/portal/page-header";
import { adminLogFiltersSchema, firstValues, rangeError, toDeliveryFilters } from "@/app/(portal)/webhooks/logs/schemas";
import { countDeliveriesForAdmin, listDeliveriesForAdmin } from "@/db/queries/deliveries";
import { listOrganizationsForAdmin } from "@/db/queries/organizations";
import { requireAdmin } from "@/lib/auth/session";

export const metadata: Metadata = { title: "All deliveries" };

export default async function AdminLogsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { user } = await requireAdmin();
  const filters = adminLogFiltersSchema.parse(firstValues(await searchParams));
  const refused = rangeError(filters);
  const query = toDeliveryFilters(filters);
  const [rows, total, organizations] = await Promise.all([
    refused ? [] : listDeliveriesForAdmin({ isPlatformAdmin: user.isPlatformAdmin }, { ...query, orgId: filters.org }),
    refused ? null : countDeliveriesForAdmin({ isPlatformAdmin: user.isPlatformAdmin }, { ...query, orgId: filters.org }),
    listOrganizationsForAdmin({ isPlatformAdmin: user.isPlatformAdmin }),
  ]);
  return (
    <>
      <PageHeader
        title="All deliveries"
        description="Every organization's deliveries, newest first. Visible to platform admins only."
        actions={<LiveToggle />}
      />
      <LogsView basePath="/admin/logs" filters={filters} rows={rows} total={total} rangeError={refused} organizations={organizations.map((o) => ({ id: o.id, name: o.name }))} />
    </>
  );
}
