import { ScrollText } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { DeliveriesTable } from "@/components/logs/deliveries-table";
import { PageHeader } from "@/components/portal/page-header";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { listDeliveries, LOGS_PAGE_SIZE } from "@/db/queries/deliveries";
import { DELIVERY_STATUSES } from "@/db/schema";
import { requireSession } from "@/lib/auth/session";
import { EVENT_TYPES } from "@/lib/webhooks/catalog";
import { listEndpoints } from "@/lib/webhooks/endpoints";
import { decodeCursor, encodeCursor, logFiltersSchema } from "./schemas";

export const metadata: Metadata = { title: "Webhook logs" };

const selectClass =
  "h-9 w-full rounded-md border border-input bg-background px-3 text-sm shadow-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring";

export default async function WebhookLogsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { org } = await requireSession();
  const raw = await searchParams;
  const filters = logFiltersSchema.parse(Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])));
  const [rows, endpoints] = await Promise.all([
    listDeliveries(
      { orgId: org.id },
      { endpointId: filters.endpoint, status: filters.status, eventType: filters.type, search: filters.q, before: decodeCursor(filters.before) },
    ),
    listEndpoints({ orgId: org.id }),
  ]);
  const page = rows.slice(0, LOGS_PAGE_SIZE);
  const last = page.at(-1);
  const hasMore = rows.length > LOGS_PAGE_SIZE;
  const query = (extra: Record<string, string | undefined>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ endpoint: filters.endpoint, status: filters.status, type: filters.type, q: filters.q, ...extra })) {
      if (v) params.set(k, v);
    }
    const text = params.toString();
    return text ? `/webhooks/logs?${text}` : "/webhooks/logs";
  };
  const filtered = Boolean(filters.endpoint || filters.status || filters.type || filters.q);

  return (
    <>
      <PageHeader title="Logs" description="Every delivery to your endpoints, newest first. Open one to see each attempt's request and response." />
      <form method="get" className="mb-4 grid gap-3 rounded-lg border bg-card p-4 sm:grid-cols-2 lg:grid-cols-[1fr_1fr_1fr_1.4fr_auto]" role="search" aria-label="Filter deliveries">
        <div className="space-y-1">
          <Label htmlFor="filter-endpoint">Endpoint</Label>
          <select id="filter-endpoint" name="endpoint" defaultValue={filters.endpoint ?? ""} className={selectClass}>
            <option value="">All endpoints</option>
            {endpoints.map((e) => (
              <option key={e.id} value={e.id}>
                {e.description || e.url}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <Label htmlFor="filter-status">Status</Label>
          <select id="filter-status" name="status" defaultValue={filters.status ?? ""} className={selectClass}>
            <option value="">Any status</option>
            {DELIVERY_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <Label htmlFor="filter-type">Event type</Label>
          <select id="filter-type" name="type" defaultValue={filters.type ?? ""} className={selectClass}>
            <option value="">Any type</option>
            {EVENT_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <Label htmlFor="filter-q">Search</Label>
          <Input id="filter-q" name="q" defaultValue={filters.q ?? ""} placeholder="evt_…, sessionId, credentialId or referenceId" />
        </div>
        <div className="flex items-end gap-2">
          <Button type="submit">Apply</Button>
          {filtered ? (
            <Button asChild variant="ghost">
              <Link href="/webhooks/logs">Clear</Link>
            </Button>
          ) : null}
        </div>
      </form>
      <DeliveriesTable
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
        }))}
        emptyState={
          <EmptyState
            icon={ScrollText}
            title={filtered ? "No deliveries match these filters" : "No deliveries yet"}
            description={
              filtered
                ? "Try another endpoint, status or event type, or clear the filters."
                : "Deliveries appear here as soon as an event is sent to one of your endpoints. Try Send test event on an endpoint's page."
            }
          />
        }
      />
      <nav aria-label="Pages" className="mt-4 flex items-center justify-between text-sm">
        {filters.before ? (
          <Link href={query({})} className="text-primary hover:underline">
            ← Newest
          </Link>
        ) : (
          <span />
        )}
        {hasMore && last ? (
          <Link href={query({ before: encodeCursor(last) })} className="text-primary hover:underline">
            Older →
          </Link>
        ) : null}
      </nav>
    </>
  );
}
