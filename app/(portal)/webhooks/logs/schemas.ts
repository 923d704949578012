import { z } from "zod";
import { DELIVERY_STATUSES } from "@/db/schema";
import { eventTypeSchema } from "@/lib/events/catalog";
import { sanitiseSearch } from "@/lib/input-limits";

export const deliveryIdSchema = z.string().regex(/^dlv_[0-9a-z]{24}$/, "Delivery not found.");
export const deliveryRefSchema = z.object({ id: deliveryIdSchema });

export const TIME_RANGES = ["1h", "24h", "7d"] as const;
export type TimeRange = (typeof TIME_RANGES)[number];
export const TIME_RANGE_LABELS: Record<TimeRange, string> = { "1h": "Last hour", "24h": "Last 24 hours", "7d": "Last 7 days" };
const TIME_RANGE_MS: Record<TimeRange, number> = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 };

const cursorSchema = z
  .string()
  .regex(/^\d{13,}_dlv_[0-9a-z]{24}$/)
  .optional()
  .catch(undefined);

/** The Logs filters as they travel in the URL; anything unreadable is dropped rather than failing the page. */
export const logFiltersSchema = z.object({
  endpoint: z.string().regex(/^ep_[0-9a-z]{20}$/).optional().catch(undefined),
  status: z.enum(DELIVERY_STATUSES).optional().catch(undefined),
  type: eventTypeSchema.optional().catch(undefined),
  /** Whatever was typed: NUL and other control characters would otherwise reach PostgreSQL and fail the page. */
  q: z.string().optional().catch(undefined).transform((v) => sanitiseSearch(v) || undefined),
  /** "YYYY-MM-DDTHH:mm" in UTC, as the From and To fields put it in the URL (they show it in the person's zone). */
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/).optional().catch(undefined),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/).optional().catch(undefined),
  /** A time preset relative to now (last hour, 24 hours, 7 days); From and To, when set, win over it. */
  range: z.enum(TIME_RANGES).optional().catch(undefined),
  live: z.enum(["1"]).optional().catch(undefined),
  before: cursorSchema,
  after: cursorSchema,
});
export type LogFilters = z.infer<typeof logFiltersSchema>;

/**
 * Cursor text for the URL: `<createdAt in microseconds>_<delivery id>` (PostgreSQL keeps microseconds: a cursor in
 * milliseconds would find its own row again on a Newer page). Older links in milliseconds still read.
 */
export function encodeCursor(row: { createdAt: Date; id: string; createdAtMicros?: string }): string {
  return `${row.createdAtMicros ?? row.createdAt.getTime() * 1000}_${row.id}`;
}

export function decodeCursor(cursor: string | undefined): { createdAt: Date; id: string; micros?: string } | undefined {
  if (!cursor) return undefined;
  const at = cursor.indexOf("_");
  const digits = cursor.slice(0, at);
  const id = cursor.slice(at + 1);
  if (digits.length < 16) return { createdAt: new Date(Number(digits)), id };
  return { createdAt: new Date(Math.floor(Number(digits) / 1000)), id, micros: digits };
}

/** A "YYYY-MM-DDTHH:mm" value read as UTC; undefined when absent or not a real time. */
export function utcMinute(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(`${value}:00Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Next hands repeated query parameters over as arrays; the filters read the first of each. */
export function firstValues(params: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
}

export const adminLogFiltersSchema = logFiltersSchema.extend({
  org: z.string().regex(/^org_[0-9a-z]{20}$/).optional().catch(undefined),
});

/** The message for a From after (or at) To; undefined when the range is fine. */
export function rangeError(filters: Pick<LogFilters, "from" | "to">): string | undefined {
  const from = utcMinute(filters.from);
  const to = utcMinute(filters.to);
  return from && to && from.getTime() >= to.getTime() ? "From must be before To: change one of them." : undefined;
}

/** The URL filters as the Logs query takes them (shared by the partner's and the admin's Logs). */
export function toDeliveryFilters(filters: LogFilters, now = new Date()) {
  const from = utcMinute(filters.from);
  const to = utcMinute(filters.to);
  const preset = filters.range && !from && !to ? new Date(now.getTime() - TIME_RANGE_MS[filters.range]) : undefined;
  return {
    endpointId: filters.endpoint,
    status: filters.status,
    eventType: filters.type,
    search: filters.q,
    from: from ?? preset,
    to,
    before: decodeCursor(filters.before),
    after: filters.before ? undefined : decodeCursor(filters.after),
  };
}
