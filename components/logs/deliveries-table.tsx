"use client";

import Link from "next/link";
import { createDataTableColumnHelper, DataTable } from "@/components/data-table/data-table";
import { Time } from "@/components/time/time";
import { Badge } from "@/components/ui/badge";
import { DeliveryStatus } from "./delivery-status";
import { RetryNowButton } from "./retry-now-button";
import { isRetrying } from "./status";

export interface DeliveryRow {
  id: string;
  createdAt: string;
  status: string;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastErrorClass: string | null;
  lastDurationMs: number | null;
  eventId: string;
  eventType: string;
  test: boolean;
  /** The description, or the host and the end of the path (lib/endpoints/label.ts). */
  endpointLabel: string;
  endpointUrl: string;
  endpointDeleted: boolean;
  organizationName: string;
  /** Offer Retry now: waiting for its backoff, in the partner's own Logs. */
  retryNow: boolean;
}

const column = createDataTableColumnHelper<DeliveryRow>();

const endpointColumn = column.accessor("endpointLabel", {
  header: "Endpoint",
  cell: ({ row }) => (
    <span className="flex max-w-[14rem] flex-col" title={row.original.endpointUrl} data-testid="endpoint-cell">
      <span className="truncate text-sm">{row.original.endpointLabel}</span>
      {row.original.endpointDeleted ? <span className="text-[11px] text-muted-foreground">(deleted)</span> : null}
    </span>
  ),
});

const baseColumns = [
  column.accessor("createdAt", {
    header: "Time",
    cell: (info) => <Time value={info.getValue()} relative className="text-xs tabular-nums" />,
  }),
  column.accessor("eventType", {
    header: "Event",
    cell: ({ row }) => (
      <span className="flex flex-col gap-0.5">
        <span className="flex items-center gap-1.5">
          <code className="font-mono text-xs">{row.original.eventType}</code>
          {row.original.test ? <Badge variant="outline">test</Badge> : null}
        </span>
        <code className="font-mono text-[11px] text-muted-foreground">{row.original.eventId}</code>
      </span>
    ),
  }),
  endpointColumn,
  column.accessor("status", {
    header: "Status",
    cell: ({ row }) => (
      <span className="flex flex-col items-start gap-1">
        <DeliveryStatus status={row.original.status} nextAttemptAt={row.original.nextAttemptAt} attemptCount={row.original.attemptCount} />
        {row.original.status === "pending" && row.original.nextAttemptAt && !isRetrying(row.original) ? (
          <Time value={row.original.nextAttemptAt} relative prefix="next attempt " className="text-[11px] text-muted-foreground" />
        ) : null}
        {row.original.retryNow ? <RetryNowButton id={row.original.id} size="sm" /> : null}
      </span>
    ),
  }),
  column.accessor("lastStatusCode", {
    header: "HTTP",
    cell: ({ row }) =>
      row.original.lastStatusCode !== null ? (
        <span className="font-mono text-sm">{row.original.lastStatusCode}</span>
      ) : row.original.lastErrorClass ? (
        <code className="font-mono text-xs text-destructive">{row.original.lastErrorClass}</code>
      ) : (
        <span className="text-muted-foreground">—</span>
      ),
  }),
  column.accessor("attemptCount", {
    header: "Attempts",
    meta: { className: "text-right tabular-nums", headerClassName: "text-right" },
  }),
  column.accessor("lastDurationMs", {
    header: "Duration",
    cell: (info) => (info.getValue() === null ? "—" : `${info.getValue()} ms`),
    meta: { className: "text-right tabular-nums whitespace-nowrap", headerClassName: "text-right" },
  }),
];

const partnerColumns = column.columns(baseColumns);
// On an endpoint's own page the endpoint column would say the same thing on every row.
const endpointPageColumns = column.columns(baseColumns.filter((c) => c !== endpointColumn));
// Platform admins see every organization's deliveries: the organization comes right after the time.
const adminColumns = column.columns([
  baseColumns[0]!,
  column.accessor("organizationName", { header: "Organization", cell: (info) => <span className="text-sm">{info.getValue()}</span> }),
  ...baseColumns.slice(1),
]);

/**
 * Deliveries, newest first: a table from 640 px, and on phones a list whose status (and Retry now) stays in sight
 * beside each event. Shared by Logs, Admin -> All deliveries and the endpoint page's recent deliveries.
 */
export function DeliveriesTable({
  rows,
  emptyState,
  basePath,
  showOrganization = false,
  hideEndpoint = false,
  caption = "Deliveries, newest first",
}: {
  rows: DeliveryRow[];
  emptyState: React.ReactNode;
  basePath: string;
  showOrganization?: boolean;
  /** For one endpoint's own deliveries. */
  hideEndpoint?: boolean;
  caption?: string;
}) {
  if (rows.length === 0) return emptyState ? <div className="rounded-lg border bg-card">{emptyState}</div> : null;
  return (
    <>
      <ul className="divide-y rounded-lg border bg-card sm:hidden" aria-label={caption} data-testid="deliveries-list">
        {rows.map((r) => (
          <li key={r.id} className="flex items-start justify-between gap-3 px-3 py-2.5" data-testid="delivery-item">
            <Link href={`${basePath}/${r.id}`} className="min-w-0 flex-1 space-y-0.5 rounded-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
              <span className="flex min-w-0 items-center gap-1.5">
                <code className="truncate font-mono text-xs font-medium">{r.eventType}</code>
                {r.test ? <Badge variant="outline">test</Badge> : null}
              </span>
              {showOrganization ? <span className="block truncate text-xs">{r.organizationName}</span> : null}
              {hideEndpoint ? null : (
                <span className="block truncate text-xs text-muted-foreground" title={r.endpointUrl}>
                  {r.endpointLabel}
                  {r.endpointDeleted ? " (deleted)" : ""}
                </span>
              )}
              <span className="block text-xs text-muted-foreground">
                <Time value={r.createdAt} relative /> · {r.attemptCount} {r.attemptCount === 1 ? "attempt" : "attempts"}
                {r.lastStatusCode !== null ? ` · HTTP ${r.lastStatusCode}` : r.lastErrorClass ? ` · ${r.lastErrorClass}` : ""}
              </span>
            </Link>
            <span className="flex shrink-0 flex-col items-end gap-1">
              <DeliveryStatus status={r.status} nextAttemptAt={r.nextAttemptAt} attemptCount={r.attemptCount} />
              {r.retryNow ? <RetryNowButton id={r.id} size="sm" /> : null}
            </span>
          </li>
        ))}
      </ul>
      <div className="hidden rounded-lg border bg-card sm:block">
        <DataTable
          columns={showOrganization ? adminColumns : hideEndpoint ? endpointPageColumns : partnerColumns}
          data={rows}
          getRowId={(row) => row.id}
          rowHref={(row) => `${basePath}/${row.id}`}
          caption={caption}
          emptyState={emptyState}
        />
      </div>
    </>
  );
}
