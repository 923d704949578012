import type { Metadata } from "next";
import { AuditLogView } from "@/components/audit/audit-log-view";
import { PageHeader } from "@/components/portal/page-header";
import { countAuditEventsForAdmin, listAuditActors, listAuditEventsForAdmin } from "@/db/queries/audit";
import { listOrganizationsForAdmin } from "@/db/queries/organizations";
import { requireAdmin } from "@/lib/auth/session";
import { firstValues } from "@/app/(portal)/webhooks/logs/schemas";
import { adminAuditFiltersSchema, toAuditFilters } from "@/app/(portal)/settings/audit-log/schemas";

export const metadata: Metadata = { title: "Audit log (all organizations)" };

export default async function AdminAuditLogPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { user } = await requireAdmin();
  const filters = adminAuditFiltersSchema.parse(firstValues(await searchParams));
  const orgScope = filters.org === "platform" ? { platformOnly: true } : { orgId: filters.org };
  const scope = { isPlatformAdmin: user.isPlatformAdmin };
  const query = { ...toAuditFilters(filters), ...orgScope };
  const [rows, total, organizations, actors] = await Promise.all([
    listAuditEventsForAdmin(scope, query),
    countAuditEventsForAdmin(scope, query),
    listOrganizationsForAdmin({ isPlatformAdmin: user.isPlatformAdmin }),
    listAuditActors({ orgId: filters.org && filters.org !== "platform" ? filters.org : null }),
  ]);
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every organization's audit log, and the platform-wide events (failed sign-ins), newest first. Visible to platform admins only."
      />
      <AuditLogView basePath="/admin/audit-log" filters={filters} rows={rows} total={total} actors={actors} organizations={organizations.map((o) => ({ id: o.id, name: o.name }))} />
    </>
  );
}
