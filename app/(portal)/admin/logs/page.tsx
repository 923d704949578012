import type { Metadata } from "next";
import { LiveToggle } from "@/components/logs/live-toggle";
import { LogsView } from "@/components/logs/logs-view";
import { PageHeader } from "@/components/portal/page-header";
import { decodeCursor, firstValues, adminLogFiltersSchema, utcMinute } from "@/app/(portal)/webhooks/logs/schemas";
import { listDeliveriesForAdmin } from "@/db/queries/deliveries";
import { listOrganizationsForAdmin } from "@/db/queries/organizations";
import { requireAdmin } from "@/lib/auth/session";

export const metadata: Metadata = { title: "All deliveries" };

export default async function AdminLogsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { user } = await requireAdmin();
  const filters = adminLogFiltersSchema.parse(firstValues(await searchParams));
  const [rows, organizations] = await Promise.all([
    listDeliveriesForAdmin(
      { isPlatformAdmin: user.isPlatformAdmin },
      {
        orgId: filters.org,
        status: filters.status,
        eventType: filters.type,
        search: filters.q,
        from: utcMinute(filters.from),
        to: utcMinute(filters.to),
        before: decodeCursor(filters.before),
      },
    ),
    listOrganizationsForAdmin({ isPlatformAdmin: user.isPlatformAdmin }),
  ]);
  return (
    <>
      <PageHeader
        title="All deliveries"
        description="Every organization's deliveries, newest first. Visible to platform admins only."
        actions={<LiveToggle />}
      />
      <LogsView basePath="/admin/logs" filters={filters} rows={rows} organizations={organizations.map((o) => ({ id: o.id, name: o.name }))} />
    </>
  );
}
