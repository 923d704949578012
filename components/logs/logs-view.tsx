import { ScrollText } from "lucide-react";
import { EmptyState } from "@/components/ui/empty-state";
import { ListTotal, PageNav } from "@/components/ui/page-nav";
import { encodeCursor, TIME_RANGE_LABELS, TIME_RANGES, type LogFilters } from "@/app/(portal)/webhooks/logs/schemas";
import { LOGS_PAGE_SIZE, SEARCHED_FIELDS, type DeliveryCount, type DeliveryListRow } from "@/db/queries/deliveries";
import { DELIVERY_STATUSES } from "@/db/schema";
import { endpointLabel } from "@/lib/endpoints/label";
import { EVENT_TYPES } from "@/lib/events/catalog";
import { countText, listHref, pageWindow } from "@/lib/paging";
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
  return countText(total, ["delivery", "deliveries"]);
}

/** The Logs filters (kept in the URL), the total, the table and keyset paging (Newer / Older), for partners and admins. */
export function LogsView({ basePath, filters, rows, total, rangeError, endpoints, organizations, retryNow = false, emptyHint }: LogsViewProps) {
  const { page, hasNewer, hasOlder } = pageWindow(rows, filters, LOGS_PAGE_SIZE);
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
  const href = (extra: Record<string, string | undefined>) => listHref(basePath, { ...kept, ...extra });
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
        <ListTotal testId="logs-total" text={total ? `${totalText(total)}${filtered ? " match" : ""}` : ""} exact={total?.exact ?? true} />
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
      <PageNav
        newestHref={href({})}
        newerHref={hasNewer && first ? href({ after: encodeCursor(first) }) : undefined}
        olderHref={hasOlder && last ? href({ before: encodeCursor(last) }) : undefined}
      />
    </>
  );
}
