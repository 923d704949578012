"use client";

import { createDataTableColumnHelper, DataTable } from "@/components/data-table/data-table";
import { Badge } from "@/components/ui/badge";
import { statusVariant } from "./status";

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
  endpointUrl: string;
  organizationName: string;
}

const utc = (iso: string) => `${iso.slice(0, 19).replace("T", " ")} UTC`;
const column = createDataTableColumnHelper<DeliveryRow>();

const baseColumns = [
  column.accessor("createdAt", {
    header: "Time",
    cell: (info) => <time dateTime={info.getValue()} className="whitespace-nowrap text-xs tabular-nums">{utc(info.getValue())}</time>,
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
  column.accessor("endpointUrl", {
    header: "Endpoint",
    cell: (info) => <span className="block max-w-[11rem] truncate font-mono text-xs" title={info.getValue()}>{info.getValue()}</span>,
  }),
  column.accessor("status", {
    header: "Status",
    cell: ({ row }) => (
      <span className="flex flex-col items-start gap-0.5">
        <Badge variant={statusVariant(row.original.status)} className="capitalize">
          {row.original.status}
        </Badge>
        {row.original.status === "pending" && row.original.nextAttemptAt ? (
          <span className="text-[11px] text-muted-foreground">next {utc(row.original.nextAttemptAt).slice(11)}</span>
        ) : null}
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
// Platform admins see every organization's deliveries: the organization comes right after the time.
const adminColumns = column.columns([
  baseColumns[0]!,
  column.accessor("organizationName", { header: "Organization", cell: (info) => <span className="text-sm">{info.getValue()}</span> }),
  ...baseColumns.slice(1),
]);

export function DeliveriesTable({
  rows,
  emptyState,
  basePath,
  showOrganization = false,
}: {
  rows: DeliveryRow[];
  emptyState: React.ReactNode;
  basePath: string;
  showOrganization?: boolean;
}) {
  return (
    <div className="rounded-lg border bg-card">
      <DataTable
        columns={showOrganization ? adminColumns : partnerColumns}
        data={rows}
        getRowId={(row) => row.id}
        rowHref={(row) => `${basePath}/${row.id}`}
        caption="Deliveries, newest first"
        emptyState={emptyState}
      />
    </div>
  );
}
