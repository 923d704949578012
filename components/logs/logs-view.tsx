import { ScrollText } from "lucide-react";
import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { encodeCursor, type LogFilters } from "@/app/(portal)/webhooks/logs/schemas";
import { LOGS_PAGE_SIZE, type DeliveryListRow } from "@/db/queries/deliveries";
import { DELIVERY_STATUSES } from "@/db/schema";
import { endpointLabel } from "@/lib/endpoints/label";
import { EVENT_TYPES } from "@/lib/events/catalog";
import { DeliveriesTable, type DeliveryRow } from "./deliveries-table";
import { LogsFilters } from "./logs-filters";

interface LogsViewProps {
  basePath: string;
  filters: LogFilters & { org?: string };
  /** One row more than a page, as the query returns it: the extra row only says that an older page exists. */
  rows: DeliveryListRow[];
  endpoints?: { id: string; label: string }[];
  organizations?: { id: string; name: string }[];
  /** Offer Retry now on deliveries waiting for their backoff (the partner's Logs on the embedded engine). */
  retryNow?: boolean;
}

/** A Logs row as the table shows it (plain data for the client component). */
export function toDeliveryRow(r: DeliveryListRow, retryNow = false): DeliveryRow {
  return {
    id: r.id,
    createdAt: r.createdAt.toISOString(),
    status: r.status,
    attemptCount: r.attemptCount,
    nextAttemptAt: r.nextAttemptAt?.toISOString() ?? null,
    lastStatusCode: r.lastStatusCode,
    lastErrorClass: r.lastErrorClass,
    lastDurationMs: r.lastDurationMs,
    eventId: r.eventId,
    eventType: r.eventType,
    test: r.test,
    endpointLabel: endpointLabel({ url: r.endpointUrl, description: r.endpointDescription }),
    endpointUrl: r.endpointUrl,
    endpointDeleted: r.endpointDeletedAt !== null,
    organizationName: r.organizationName,
    retryNow: retryNow && r.status === "pending" && r.nextAttemptAt !== null && r.endpointDeletedAt === null,
  };
}

/** The Logs filters (kept in the URL), the table and keyset paging, for partners and admins. */
export function LogsView({ basePath, filters, rows, endpoints, organizations, retryNow = false }: LogsViewProps) {
  const page = rows.slice(0, LOGS_PAGE_SIZE);
  const last = page.at(-1);
  const hasMore = rows.length > LOGS_PAGE_SIZE;
  const kept = {
    org: filters.org,
    endpoint: filters.endpoint,
    status: filters.status,
    type: filters.type,
    q: filters.q,
    from: filters.from,
    to: filters.to,
  };
  const href = (extra: Record<string, string | undefined>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...kept, ...extra })) if (v) params.set(k, v);
    const text = params.toString();
    return text ? `${basePath}?${text}` : basePath;
  };
  const filtered = Object.values(kept).some(Boolean);

  return (
    <>
      <LogsFilters
        organizations={organizations?.map((o) => ({ value: o.id, label: o.name }))}
        endpoints={endpoints?.map((e) => ({ value: e.id, label: e.label }))}
        statuses={DELIVERY_STATUSES.map((v) => ({ value: v, label: v }))}
        types={EVENT_TYPES.map((v) => ({ value: v, label: v }))}
      />
      <DeliveriesTable
        basePath={basePath}
        showOrganization={Boolean(organizations)}
        rows={page.map((r) => toDeliveryRow(r, retryNow))}
        emptyState={
          <EmptyState
            icon={ScrollText}
            title={filtered ? "No deliveries match these filters" : "No deliveries yet"}
            description={
              filtered
                ? "Try other filters, or clear them."
                : "Deliveries appear here as soon as an event is sent to an endpoint. Try Send test event on an endpoint's page."
            }
          />
        }
      />
      <nav aria-label="Pages" className="mt-4 flex items-center justify-between text-sm">
        {filters.before ? (
          <Link href={href({})} className="text-primary hover:underline">
            ← Newest
          </Link>
        ) : (
          <span />
        )}
        {hasMore && last ? (
          <Link href={href({ before: encodeCursor(last) })} className="text-primary hover:underline">
            Older →
          </Link>
        ) : null}
      </nav>
    </>
  );
}
