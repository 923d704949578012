import type { Metadata } from "next";
import { ShieldAlert } from "lucide-react";
import { AuditLogView } from "@/components/audit/audit-log-view";
import { PageHeader } from "@/components/portal/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { countAuditEvents, listAuditActors, listAuditEvents } from "@/db/queries/audit";
import { requireSession } from "@/lib/auth/session";
import { canViewAuditLog } from "@/lib/audit/access";
import { firstValues } from "@/app/(portal)/webhooks/logs/schemas";
import { auditFiltersSchema, toAuditFilters } from "./schemas";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requireSession();
  const description = "Who changed what in your organization, when and from where: endpoints and their secrets, API keys, members, plans and sign-ins.";
  if (!canViewAuditLog(ctx)) {
    return (
      <>
        <PageHeader title="Audit log" description={description} />
        <EmptyState
          icon={ShieldAlert}
          title="Only owners can see the audit log"
          description={`You are a member of ${ctx.org.name}. Ask one of its owners if you need to know who changed something.`}
        />
      </>
    );
  }
  const filters = auditFiltersSchema.parse(firstValues(await searchParams));
  const query = toAuditFilters(filters);
  const [rows, total, actors] = await Promise.all([
    listAuditEvents({ orgId: ctx.org.id }, query),
    countAuditEvents({ orgId: ctx.org.id }, query),
    listAuditActors({ orgId: ctx.org.id }),
  ]);
  return (
    <>
      <PageHeader title="Audit log" description={description} />
      <AuditLogView basePath="/settings/audit-log" filters={filters} rows={rows} total={total} actors={actors} />
    </>
  );
}
