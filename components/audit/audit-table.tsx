"use client";

import { createDataTableColumnHelper, DataTable } from "@/components/data-table/data-table";
import { Time } from "@/components/time/time";
import { Badge } from "@/components/ui/badge";

/** One audit event as the table shows it (plain data for this client component). */
export interface AuditRow {
  id: string;
  createdAt: string;
  organizationName: string | null;
  actorType: "user" | "api_key" | "platform_key" | "system";
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  actionLabel: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  /** Each changed field as one line: "url: https://a/ → https://b/", "headerValues: (changed)". */
  changes: string[];
}

/** Who, with the address the request came from underneath (the IP address column folded in, for narrow screens). */
function Actor({ row }: { row: AuditRow }) {
  const who =
    row.actorType === "user" ? (
      <>
        <span className="text-sm" title={row.actorId ?? undefined}>
          {row.actorEmail ?? "A person"}
        </span>
      </>
    ) : row.actorType === "system" ? (
      <Badge variant="secondary">Herald</Badge>
    ) : (
      <>
        <Badge variant="outline">{row.actorType === "api_key" ? "API key" : "Platform key"}</Badge>
        <code className="font-mono text-[11px] text-muted-foreground">{row.actorId}</code>
      </>
    );
  return (
    <span className="flex flex-col items-start gap-0.5">
      {who}
      {row.ip ? (
        <span className="text-[11px] text-muted-foreground">
          from <code className="font-mono">{row.ip}</code>
        </span>
      ) : null}
    </span>
  );
}

const column = createDataTableColumnHelper<AuditRow>();

const baseColumns = [
  column.accessor("createdAt", {
    header: "Time",
    // Two lines (date, then time) leave the width to the changed fields.
    cell: (info) => <Time value={info.getValue()} seconds className="block w-24 whitespace-normal text-xs tabular-nums" />,
  }),
  column.accessor("actorEmail", { header: "Actor and address", cell: ({ row }) => <Actor row={row.original} /> }),
  column.accessor("action", {
    header: "Action and target",
    cell: ({ row }) => (
      <span className="flex flex-col">
        <span className="text-sm font-medium">{row.original.actionLabel}</span>
        <code className="font-mono text-[11px] text-muted-foreground">{row.original.action}</code>
        {row.original.targetId ? (
          <span className="whitespace-nowrap text-[11px] text-muted-foreground">
            {row.original.targetType} <code className="font-mono text-foreground">{row.original.targetId}</code>
          </span>
        ) : null}
      </span>
    ),
  }),
  column.accessor("changes", {
    header: "Changes",
    cell: (info) =>
      info.getValue().length === 0 ? (
        <span className="text-muted-foreground">—</span>
      ) : (
        <ul className="w-64 space-y-0.5 text-xs">
          {info.getValue().map((line) => (
            <li key={line} className="break-all font-mono">
              {line}
            </li>
          ))}
        </ul>
      ),
  }),
];

const organizationColumn = column.accessor("organizationName", {
  header: "Organization",
  cell: (info) => info.getValue() ?? <span className="text-muted-foreground">Platform</span>,
});

const partnerColumns = baseColumns;
const adminColumns = [baseColumns[0]!, organizationColumn, ...baseColumns.slice(1)];

export function AuditTable({ rows, showOrganization, emptyState }: { rows: AuditRow[]; showOrganization: boolean; emptyState: React.ReactNode }) {
  return (
    <div className="overflow-x-auto rounded-lg border bg-card" data-testid="audit-log">
      <DataTable
        columns={showOrganization ? adminColumns : partnerColumns}
        data={rows}
        getRowId={(r) => r.id}
        caption="Audit log"
        emptyState={emptyState}
      />
    </div>
  );
}
