import { ScrollText } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { encodeCursor, type LogFilters } from "@/app/(portal)/webhooks/logs/schemas";
import { LOGS_PAGE_SIZE, type DeliveryListRow } from "@/db/queries/deliveries";
import { DELIVERY_STATUSES } from "@/db/schema";
import { EVENT_TYPES } from "@/lib/events/catalog";
import { DeliveriesTable } from "./deliveries-table";

const selectClass =
  "h-9 w-full rounded-md border border-input bg-background px-3 text-sm shadow-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring";

function FilterSelect({
  name,
  label,
  value,
  anyLabel,
  options,
}: {
  name: string;
  label: string;
  value: string | undefined;
  anyLabel: string;
  options: { value: string; label: string }[];
}) {
  return (
    <div className="space-y-1">
      <Label htmlFor={`filter-${name}`}>{label}</Label>
      <select id={`filter-${name}`} name={name} defaultValue={value ?? ""} className={selectClass}>
        <option value="">{anyLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

interface LogsViewProps {
  basePath: string;
  filters: LogFilters & { org?: string };
  /** One row more than a page, as the query returns it: the extra row only says that an older page exists. */
  rows: DeliveryListRow[];
  endpoints?: { id: string; label: string }[];
  organizations?: { id: string; name: string }[];
}

/** The Logs filters (a GET form: filters live in the URL), the table and keyset paging, for partners and admins. */
export function LogsView({ basePath, filters, rows, endpoints, organizations }: LogsViewProps) {
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
      <form method="get" className="mb-4 grid gap-3 rounded-lg border bg-card p-4 sm:grid-cols-2 lg:grid-cols-4" role="search" aria-label="Filter deliveries">
        {filters.live ? <input type="hidden" name="live" value="1" /> : null}
        {organizations ? (
          <FilterSelect
            name="org"
            label="Organization"
            value={filters.org}
            anyLabel="All organizations"
            options={organizations.map((o) => ({ value: o.id, label: o.name }))}
          />
        ) : null}
        {endpoints ? (
          <FilterSelect
            name="endpoint"
            label="Endpoint"
            value={filters.endpoint}
            anyLabel="All endpoints"
            options={endpoints.map((e) => ({ value: e.id, label: e.label }))}
          />
        ) : null}
        <FilterSelect
          name="status"
          label="Status"
          value={filters.status}
          anyLabel="Any status"
          options={DELIVERY_STATUSES.map((v) => ({ value: v, label: v }))}
        />
        <FilterSelect
          name="type"
          label="Event type"
          value={filters.type}
          anyLabel="Any type"
          options={EVENT_TYPES.map((v) => ({ value: v, label: v }))}
        />
        <div className="space-y-1">
          <Label htmlFor="filter-q">Search</Label>
          <Input id="filter-q" name="q" defaultValue={filters.q ?? ""} placeholder="evt_…, sessionId, credentialId or referenceId" />
        </div>
        <div className="space-y-1">
          <Label htmlFor="filter-from">From (UTC)</Label>
          <Input id="filter-from" name="from" type="datetime-local" defaultValue={filters.from ?? ""} />
        </div>
        <div className="space-y-1">
          <Label htmlFor="filter-to">To (UTC)</Label>
          <Input id="filter-to" name="to" type="datetime-local" defaultValue={filters.to ?? ""} />
        </div>
        <div className="flex items-end gap-2">
          <Button type="submit">Apply</Button>
          {filtered ? (
            <Button asChild variant="ghost">
              <Link href={basePath}>Clear</Link>
            </Button>
          ) : null}
        </div>
      </form>
      <DeliveriesTable
        basePath={basePath}
        showOrganization={Boolean(organizations)}
        rows={page.map((r) => ({
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
          endpointUrl: r.endpointUrl,
          organizationName: r.organizationName,
        }))}
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
