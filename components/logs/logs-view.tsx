import { ScrollText } from "lucide-react";
import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { encodeCursor, TIME_RANGE_LABELS, TIME_RANGES, type LogFilters } from "@/app/(portal)/webhooks/logs/schemas";
import { LOGS_PAGE_SIZE, SEARCHED_FIELDS, type DeliveryCount, type DeliveryListRow } from "@/db/queries/deliveries";
import { DELIVERY_STATUSES } from "@/db/schema";
import { endpointLabel } from "@/lib/endpoints/label";
import { EVENT_TYPES } from "@/lib/events/catalog";
import { DeliveriesTable, type DeliveryRow } from "./deliveries-table";
import { LogsFilters } from "./logs-filters";

interface LogsViewProps {
  basePath: string;
  filters: LogFilters & { org?: string };
  /** One row more than a page, as the query returns it: the extra row only says that a further page exists. */
  rows: DeliveryListRow[];
  /** How many match the filters; null when not counted (a refused range). */
  total: DeliveryCount | null;
  /** Why the filters cannot match (From after To): said instead of the total. */
  rangeError?: string;
  endpoints?: { id: string; label: string }[];
  organizations?: { id: string; name: string }[];
  /** Offer Retry now on deliveries waiting for their backoff (the partner's Logs on the embedded engine). */
  retryNow?: boolean;
  /** What the empty Logs suggest doing first; by default Send test event (which a plan without webhooks cannot use). */
  emptyHint?: string;
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

/** "1 delivery", "120 deliveries", "about 12,400 deliveries" (estimates to three significant figures). */
export function totalText(total: DeliveryCount): string {
  if (total.exact) return `${total.count.toLocaleString("en")} ${total.count === 1 ? "delivery" : "deliveries"}`;
  const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(total.count)) - 2);
  return `about ${(Math.round(total.count / magnitude) * magnitude).toLocaleString("en")} deliveries`;
}

/** The Logs filters (kept in the URL), the total, the table and keyset paging (Newer / Older), for partners and admins. */
export function LogsView({ basePath, filters, rows, total, rangeError, endpoints, organizations, retryNow = false, emptyHint }: LogsViewProps) {
  // Rows come newest first with one extra: past the page's end (Older exists), or before its start on a Newer page.
  const newerMode = Boolean(filters.after && !filters.before);
  const extra = rows.length > LOGS_PAGE_SIZE;
  const page = newerMode && extra ? rows.slice(1) : rows.slice(0, LOGS_PAGE_SIZE);
  const hasOlder = newerMode ? page.length > 0 : extra;
  const hasNewer = newerMode ? extra : Boolean(filters.before);
  const kept = {
    org: filters.org,
    endpoint: filters.endpoint,
    status: filters.status,
    type: filters.type,
    q: filters.q,
    range: filters.range,
    from: filters.from,
    to: filters.to,
    live: filters.live,
  };
  const href = (extra: Record<string, string | undefined>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...kept, ...extra })) if (v) params.set(k, v);
    const text = params.toString();
    return text ? `${basePath}?${text}` : basePath;
  };
  const filtered = Object.entries(kept).some(([k, v]) => k !== "live" && Boolean(v));
  const first = page[0];
  const last = page.at(-1);

  return (
    <>
      <LogsFilters
        organizations={organizations?.map((o) => ({ value: o.id, label: o.name }))}
        endpoints={endpoints?.map((e) => ({ value: e.id, label: e.label }))}
        statuses={DELIVERY_STATUSES.map((v) => ({ value: v, label: v }))}
        types={EVENT_TYPES.map((v) => ({ value: v, label: v }))}
        ranges={TIME_RANGES.map((v) => ({ value: v, label: TIME_RANGE_LABELS[v] }))}
        searchHelp={`Searches the ${SEARCHED_FIELDS.join(", ")}.`}
      />
      {rangeError ? (
        <p role="alert" className="mb-4 rounded-lg border border-destructive/40 bg-destructive/10 px-4 py-3 text-sm text-destructive" data-testid="range-error">
          {rangeError}
        </p>
      ) : (
        <p className="mb-2 text-sm text-muted-foreground" data-testid="logs-total" aria-live="polite">
          {total ? (filtered ? `${totalText(total)} match` : `${totalText(total)}`) : null}
          {total && !total.exact ? <span title="Counted exactly up to 1,000; above that PostgreSQL's estimate"> (estimated)</span> : null}
        </p>
      )}
      <DeliveriesTable
        basePath={basePath}
        showOrganization={Boolean(organizations)}
        rows={page.map((r) => toDeliveryRow(r, retryNow))}
        emptyState={
          <EmptyState
            icon={ScrollText}
            title={rangeError ? "No deliveries: the time range is empty" : filtered ? "No deliveries match these filters" : "No deliveries yet"}
            description={
              rangeError
                ? "From must be before To."
                : filtered
                  ? "Try other filters, or clear them."
                  : (emptyHint ?? "Deliveries appear here as soon as an event is sent to an endpoint. Try Send test event on an endpoint's page.")
            }
          />
        }
      />
      <nav aria-label="Pages" className="mt-4 flex items-center justify-between gap-2 text-sm">
        <span className="flex gap-4">
          {hasNewer && first ? (
            <>
              <Link href={href({})} className="text-primary hover:underline">
                « Newest
              </Link>
              <Link href={href({ after: encodeCursor(first) })} className="text-primary hover:underline" rel="prev">
                ‹ Newer
              </Link>
            </>
          ) : null}
        </span>
        {hasOlder && last ? (
          <Link href={href({ before: encodeCursor(last) })} className="text-primary hover:underline" rel="next">
            Older ›
          </Link>
        ) : null}
      </nav>
    </>
  );
}
