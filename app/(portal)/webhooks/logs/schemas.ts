import { z } from "zod";
import { DELIVERY_STATUSES } from "@/db/schema";
import { eventTypeSchema } from "@/lib/events/catalog";
import { sanitiseSearch } from "@/lib/input-limits";

export const deliveryIdSchema = z.string().regex(/^dlv_[0-9a-z]{24}$/, "Delivery not found.");
export const deliveryRefSchema = z.object({ id: deliveryIdSchema });

/** The Logs filters as they travel in the URL; anything unreadable is dropped rather than failing the page. */
export const logFiltersSchema = z.object({
  endpoint: z.string().regex(/^ep_[0-9a-z]{20}$/).optional().catch(undefined),
  status: z.enum(DELIVERY_STATUSES).optional().catch(undefined),
  type: eventTypeSchema.optional().catch(undefined),
  /** Whatever was typed: NUL and other control characters would otherwise reach PostgreSQL and fail the page. */
  q: z.string().optional().catch(undefined).transform((v) => sanitiseSearch(v) || undefined),
  /** "YYYY-MM-DDTHH:mm" in UTC, as a datetime-local input sends it. */
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/).optional().catch(undefined),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/).optional().catch(undefined),
  live: z.enum(["1"]).optional().catch(undefined),
  before: z
    .string()
    .regex(/^\d{13,}_dlv_[0-9a-z]{24}$/)
    .optional()
    .catch(undefined),
});
export type LogFilters = z.infer<typeof logFiltersSchema>;

/** Cursor text for the URL: `<createdAt ms>_<delivery id>`. */
export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return `${row.createdAt.getTime()}_${row.id}`;
}

export function decodeCursor(cursor: string | undefined): { createdAt: Date; id: string } | undefined {
  if (!cursor) return undefined;
  const at = cursor.indexOf("_");
  return { createdAt: new Date(Number(cursor.slice(0, at))), id: cursor.slice(at + 1) };
}

/** A datetime-local value read as UTC; undefined when absent or not a real time. */
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

/** The URL filters as the Logs query takes them (shared by the partner's and the admin's Logs). */
export function toDeliveryFilters(filters: LogFilters) {
  return {
    endpointId: filters.endpoint,
    status: filters.status,
    eventType: filters.type,
    search: filters.q,
    from: utcMinute(filters.from),
    to: utcMinute(filters.to),
    before: decodeCursor(filters.before),
  };
}
