"use client";

import Link from "next/link";
import { createDataTableColumnHelper, DataTable } from "@/components/data-table/data-table";
import { Time } from "@/components/time/time";
import { Badge } from "@/components/ui/badge";
import { ResendEmailButton } from "./resend-email-button";

export interface EmailTableRow {
  id: string;
  createdAt: string;
  to: string;
  template: string;
  subject: string;
  status: "queued" | "sent" | "failed" | "kept";
  attempts: number;
  lastError: string | null;
  organizationName: string | null;
  /** Where "View" leads: this page with the email's body shown. */
  viewHref: string;
  /** Resend is offered (SMTP is configured and the email is not on its way already). */
  resendable: boolean;
}

const STATUS_VARIANT = { queued: "secondary", sent: "success", failed: "destructive", kept: "warning" } as const;
const STATUS_LABEL = { queued: "Sending", sent: "Sent", failed: "Failed", kept: "Kept (not sent)" } as const;

const column = createDataTableColumnHelper<EmailTableRow>();

const columns = [
  column.accessor("createdAt", { header: "Time", cell: (info) => <Time value={info.getValue()} className="text-xs tabular-nums" /> }),
  column.accessor("to", {
    header: "To",
    cell: ({ row }) => (
      <span className="flex flex-col">
        <span className="whitespace-nowrap text-sm">{row.original.to}</span>
        {row.original.organizationName ? <span className="text-xs text-muted-foreground">{row.original.organizationName}</span> : null}
      </span>
    ),
  }),
  column.accessor("subject", {
    header: "Email",
    cell: ({ row }) => (
      <span className="flex flex-col">
        <Link href={row.original.viewHref} className="text-sm font-medium text-primary underline-offset-4 hover:underline" scroll={false}>
          {row.original.subject}
        </Link>
        <code className="font-mono text-[11px] text-muted-foreground">{row.original.template}</code>
      </span>
    ),
  }),
  column.accessor("status", {
    header: "Status",
    cell: (info) => <Badge variant={STATUS_VARIANT[info.getValue()]}>{STATUS_LABEL[info.getValue()]}</Badge>,
  }),
  column.accessor("attempts", { header: "Attempts", meta: { className: "text-right tabular-nums", headerClassName: "text-right" } }),
  column.accessor("lastError", {
    header: "Last error",
    cell: (info) =>
      info.getValue() ? (
        <span className="block max-w-xs break-words text-xs text-destructive">{info.getValue()}</span>
      ) : (
        <span className="text-muted-foreground">—</span>
      ),
  }),
  column.display({
    id: "actions",
    header: () => <span className="sr-only">Actions</span>,
    cell: ({ row }) => (row.original.resendable ? <ResendEmailButton id={row.original.id} to={row.original.to} /> : null),
    meta: { className: "text-right" },
  }),
];

export function EmailsTable({ rows, emptyState }: { rows: EmailTableRow[]; emptyState: React.ReactNode }) {
  return (
    <div className="overflow-x-auto rounded-lg border bg-card" data-testid="emails-table">
      <DataTable columns={columns} data={rows} getRowId={(r) => r.id} caption="Emails" emptyState={emptyState} />
    </div>
  );
}
