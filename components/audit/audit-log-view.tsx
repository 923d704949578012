import { History } from "lucide-react";
import { EmptyState } from "@/components/ui/empty-state";
import { ListTotal, PageNav } from "@/components/ui/page-nav";
import { actorFilterValue, type AdminAuditLogFilters } from "@/app/(portal)/settings/audit-log/schemas";
import { encodeCursor } from "@/app/(portal)/webhooks/logs/schemas";
import { AUDIT_PAGE_SIZE, type AuditActorOption, type AuditListRow } from "@/db/queries/audit";
import type { ListCount } from "@/db/queries/keyset";
import type { AuditChange } from "@/db/schema";
import { AUDIT_ACTIONS, auditActionLabel } from "@/lib/audit/actions";
import { AuditFilters } from "./audit-filters";
import { countText, listHref, pageWindow } from "@/lib/paging";
import { AuditTable, type AuditRow } from "./audit-table";

const MAX_SHOWN = 120;

function shown(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

/** Changed fields as lines a person reads: "url: a → b", "name: CI key", "headerValues: (changed)". */
export function describeChanges(changes: Record<string, AuditChange> | null): string[] {
  if (!changes) return [];
  return Object.entries(changes).map(([field, change]) => {
    if (change === "(changed)") return `${field}: (changed)`;
    if ("from" in change) return `${field}: ${shown(change.from)} → ${shown(change.to)}`;
    return `${field}: ${shown(change.to)}`;
  });
}

function actorLabel(actor: AuditActorOption): string {
  if (actor.type === "system") return "Herald (system)";
  if (actor.type === "user") return actor.email ?? actor.id ?? "A person";
  return `${actor.type === "api_key" ? "API key" : "Platform key"} ${actor.id ?? ""}`;
}

export function toAuditRow(r: AuditListRow): AuditRow {
  return {
    id: r.id,
    createdAt: r.createdAt.toISOString(),
    organizationName: r.organizationName,
    actorType: r.actorType,
    actorId: r.actorId,
    actorEmail: r.actorEmail,
    action: r.action,
    actionLabel: auditActionLabel(r.action),
    targetType: r.targetType,
    targetId: r.targetId,
    ip: r.ip,
    changes: describeChanges(r.changes),
  };
}

interface AuditLogViewProps {
  basePath: string;
  filters: AdminAuditLogFilters;
  /** One row more than a page, as the query returns it: the extra row only says that a further page exists. */
  rows: AuditListRow[];
  /** How many events match the filters. */
  total: ListCount;
  actors: AuditActorOption[];
  /** Admin only: the organization filter and column. */
  organizations?: { id: string; name: string }[];
}

/** The audit log's filters (kept in the URL), table and keyset paging, for owners and platform admins. */
export function AuditLogView({ basePath, filters, rows, total, actors, organizations }: AuditLogViewProps) {
  const { page, hasNewer, hasOlder } = pageWindow(rows, filters, AUDIT_PAGE_SIZE);
  const first = page[0];
  const last = page.at(-1);
  const kept = { org: filters.org, actor: filters.actor, action: filters.action };
  const href = (extra: Record<string, string | undefined>) => listHref(basePath, { ...kept, ...extra });
  const filtered = Object.values(kept).some(Boolean);
  return (
    <>
      <AuditFilters
        organizations={organizations ? [{ value: "platform", label: "Platform-wide events" }, ...organizations.map((o) => ({ value: o.id, label: o.name }))] : undefined}
        actors={actors.map((a) => ({ value: actorFilterValue(a), label: actorLabel(a) }))}
        actions={Object.entries(AUDIT_ACTIONS).map(([value, label]) => ({ value, label: `${label} (${value})` }))}
      />
      <ListTotal testId="audit-total" text={`${countText(total, ["event", "events"])}${filtered ? " match" : ""}`} exact={total.exact} />
      <AuditTable
        rows={page.map(toAuditRow)}
        showOrganization={Boolean(organizations)}
        emptyState={
          <EmptyState
            icon={History}
            title={filtered ? "No events match these filters" : "No events yet"}
            description={
              filtered
                ? "Try other filters, or clear them."
                : "Security-relevant changes appear here: endpoints and their secrets, API keys, members, plans and sign-ins."
            }
          />
        }
      />
      <PageNav
        newestHref={href({})}
        newerHref={hasNewer && first ? href({ after: encodeCursor(first) }) : undefined}
        olderHref={hasOlder && last ? href({ before: encodeCursor(last) }) : undefined}
      />
    </>
  );
}
