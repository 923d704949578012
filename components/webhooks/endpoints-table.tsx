"use client";

import Link from "next/link";
import { createDataTableColumnHelper, DataTable } from "@/components/data-table/data-table";
import { statusVariant } from "@/components/logs/status";
import { Time } from "@/components/time/time";
import { ShieldCheck } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import type { EndpointDisabledCause, EndpointHealthState, EndpointLastFailure } from "@/db/schema";
import type { HourlyOutcome } from "@/lib/endpoints/success-rate";
import { HealthBadge, HealthDetail } from "./endpoint-health-state";
import { SuccessSparkline } from "./success-sparkline";

export interface EndpointListRow {
  id: string;
  url: string;
  description: string;
  active: boolean;
  disabledReason: string | null;
  eventTypes: string[] | null;
  timeoutSeconds: number;
  maxRetries: number;
  createdAt: string;
  lastDeliveryAt: string | null;
  lastStatus: string | null;
  lastStatusCode: number | null;
  /** Finished and succeeded deliveries per hour over the last 24 hours, oldest first (24 entries). */
  hourly24h: HourlyOutcome[];
  /** The latest signature verification check passed, for the endpoint's current URL and signing method. */
  verifiesSignatures?: boolean;
  health: EndpointHealthState;
  failingSince: string | null;
  lastFailure: EndpointLastFailure | null;
  disabledCause: EndpointDisabledCause | null;
}

function LastDeliveryCell({ row }: { row: EndpointListRow }) {
  if (!row.lastStatus || !row.lastDeliveryAt) return <span className="text-muted-foreground">No deliveries yet</span>;
  return (
    <span className="flex flex-col items-start gap-0.5">
      <span className="flex items-center gap-1.5">
        <Badge variant={statusVariant(row.lastStatus)} className="capitalize">
          {row.lastStatus}
        </Badge>
        {row.lastStatusCode !== null ? <span className="font-mono text-xs">{row.lastStatusCode}</span> : null}
      </span>
      <Time value={row.lastDeliveryAt} relative className="text-xs text-muted-foreground" />
    </span>
  );
}

const column = createDataTableColumnHelper<EndpointListRow>();

function EventsCell({ types }: { types: string[] | null }) {
  if (types === null) return <span className="text-muted-foreground">All events</span>;
  const [first, ...rest] = types;
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-xs">{first}</code>
      {rest.length > 0 ? (
        <Tooltip>
          <TooltipTrigger asChild>
            <button type="button" className="text-xs text-muted-foreground underline decoration-dotted" data-row-click-ignore>
              +{rest.length} more
            </button>
          </TooltipTrigger>
          <TooltipContent>{rest.join(", ")}</TooltipContent>
        </Tooltip>
      ) : null}
    </span>
  );
}

const columns = column.columns([
  column.accessor("url", {
    header: "Endpoint",
    cell: (info) => (
      <span className="block max-w-[15rem] xl:max-w-[22rem]" title={info.getValue()}>
        <span className="block truncate font-mono text-sm">{info.getValue()}</span>
        {info.row.original.description ? (
          <span className="block truncate text-xs text-muted-foreground">{info.row.original.description}</span>
        ) : null}
      </span>
    ),
  }),
  column.accessor("active", {
    header: "State",
    cell: (info) => {
      const row = info.row.original;
      const detail = (
        <HealthDetail
          health={row.health}
          failingSince={row.failingSince}
          lastFailure={row.lastFailure}
          disabledCause={row.disabledCause}
          disabledReason={row.disabledReason}
          timeoutSeconds={row.timeoutSeconds}
        />
      );
      // One state, never a green "Active" beside a failing endpoint: Healthy, Failing (since when, its last answer)
      // or Disabled (why).
      return (
        <span className="flex min-w-[11rem] max-w-[16rem] flex-col items-start gap-1" data-testid="endpoint-state">
          <HealthBadge health={info.getValue() ? (row.health === "disabled" ? "healthy" : row.health) : "disabled"} />
          {detail}
          {info.getValue() && row.verifiesSignatures ? (
            <Badge variant="outline" data-testid="verifies-signatures" title="The latest signature verification check passed">
              <ShieldCheck aria-hidden /> Verifies signatures
            </Badge>
          ) : null}
        </span>
      );
    },
  }),
  // Events with the timeout and retries under them: one column less, so that State and Success fit at 1280 px.
  column.accessor("eventTypes", {
    header: "Events · delivery",
    cell: ({ row }) => (
      <span className="flex flex-col items-start gap-1">
        <EventsCell types={row.original.eventTypes} />
        <span className="whitespace-nowrap text-xs text-muted-foreground tabular-nums" data-testid="endpoint-delivery-settings">
          {row.original.timeoutSeconds} s · {row.original.maxRetries} {row.original.maxRetries === 1 ? "retry" : "retries"}
        </span>
      </span>
    ),
  }),
  column.display({
    id: "lastDelivery",
    header: "Last delivery",
    cell: ({ row }) => <LastDeliveryCell row={row.original} />,
  }),
  column.accessor("hourly24h", {
    header: "Success (24 h)",
    cell: (info) => <SuccessSparkline hours={info.getValue()} />,
    enableSorting: false,
  }),
]);

/**
 * The endpoints: a table from 640 px, and on phones a list with each endpoint's state and 24-hour sparkline in
 * sight (a table would hide them past the right edge).
 */
export function EndpointsTable({ endpoints }: { endpoints: EndpointListRow[] }) {
  return (
    <>
      <ul className="divide-y rounded-lg border bg-card sm:hidden" aria-label="Webhook endpoints" data-testid="endpoints-list">
        {endpoints.map((e) => (
          <li key={e.id}>
            <Link href={`/webhooks/${e.id}`} className="block space-y-1.5 px-3 py-3 hover:bg-muted/50 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
              <span className="block min-w-0">
                <span className="block truncate font-mono text-sm">{e.url}</span>
                {e.description ? <span className="block truncate text-xs text-muted-foreground">{e.description}</span> : null}
              </span>
              <span className="flex flex-wrap items-center justify-between gap-2">
                <HealthBadge health={e.active ? (e.health === "disabled" ? "healthy" : e.health) : "disabled"} />
                <SuccessSparkline hours={e.hourly24h} />
              </span>
              <HealthDetail
                health={e.active ? e.health : "disabled"}
                failingSince={e.failingSince}
                lastFailure={e.lastFailure}
                disabledCause={e.disabledCause}
                disabledReason={e.disabledReason}
                timeoutSeconds={e.timeoutSeconds}
              />
            </Link>
          </li>
        ))}
      </ul>
      <div className="hidden rounded-lg border bg-card sm:block">
        <DataTable
          columns={columns}
          data={endpoints}
          getRowId={(row) => row.id}
          rowHref={(row) => `/webhooks/${row.id}`}
          caption="Webhook endpoints"
        />
      </div>
    </>
  );
}
