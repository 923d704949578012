import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import { getDb } from "@/db";
import { events } from "@/db/schema";
import type { listEventsQuerySchema } from "@/lib/api/schemas";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { eventEnvelope } from "@/lib/delivery/attempt";

export interface PolledEvent {
  id: string;
  type: string;
  createdAt: string;
  data: Record<string, unknown>;
}

/**
 * Polling for events: the organization's events (not test events) in publishing order after the event `after`,
 * optionally of one type, in exactly the envelope a webhook delivery carries. `next` is the id to pass as `after`
 * next time (it stays put on an empty page).
 */
export async function listEvents(
  orgId: string,
  query: z.output<typeof listEventsQuerySchema>,
  settleMs = env.pollSettleMs,
): Promise<{ data: PolledEvent[]; next: string | null; hasMore: boolean }> {
  const db = await getDb();
  const conditions: (SQL | undefined)[] = [
    eq(events.organizationId, orgId),
    eq(events.test, false),
    sql`${events.createdAt} <= now() - (${settleMs} * interval '1 millisecond')`,
  ];
  if (query.type) conditions.push(eq(events.type, query.type));
  if (query.after) {
    const [anchor] = await db
      .select({ id: events.id })
      .from(events)
      .where(and(eq(events.id, query.after), eq(events.organizationId, orgId)));
    if (!anchor) throw new AppError("bad_request:after", { message: "after is not one of your events: pass the id of the last event you received." });
    conditions.push(sql`(${events.createdAt}, ${events.id}) > (select created_at, id from events where id = ${query.after})`);
  }
  const rows = await db
    .select()
    .from(events)
    .where(and(...conditions))
    .orderBy(asc(events.createdAt), asc(events.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return {
    data: page.map((e) => JSON.parse(eventEnvelope(e)) as PolledEvent),
    next: page.at(-1)?.id ?? query.after ?? null,
    hasMore: rows.length > query.limit,
  };
}
