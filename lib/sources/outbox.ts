import { eq, inArray, lt } from "drizzle-orm";
import { getDb, type Db } from "@/db";
import { eventOutbox } from "@/db/schema";
import { logger } from "@/lib/logger";
import type { EventType } from "@/lib/events/catalog";
import { publishEvent } from "@/lib/delivery/publish";

/** Idempotency keys Herald gives its own events; partners' keys may not start with it. */
export const SYSTEM_KEY_PREFIX = "herald:";

export interface OutboxEvent {
  organizationId: string;
  type: EventType;
  data: Record<string, unknown>;
  /** Names the domain change: the same change always gets the same key, so it is announced once. */
  key: string;
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** Records events to announce, inside the transaction that makes the change they announce. */
export async function addToOutbox(tx: Tx | Db, items: OutboxEvent[]): Promise<string[]> {
  if (items.length === 0) return [];
  const rows = items.map((i) => ({
    idempotencyKey: `${SYSTEM_KEY_PREFIX}${i.key}`,
    organizationId: i.organizationId,
    type: i.type,
    data: i.data,
  }));
  await tx.insert(eventOutbox).values(rows).onConflictDoNothing();
  return rows.map((r) => r.idempotencyKey);
}

/**
 * Publishes outbox rows (those named, or every row older than `olderThanMs`) and deletes each once its event is
 * stored. Publishing twice is harmless: the idempotency key stores one event. Returns the event ids by key.
 */
export async function flushOutbox(options: { keys?: string[]; olderThanMs?: number } = {}): Promise<Map<string, string>> {
  const db = await getDb();
  if (options.keys?.length === 0) return new Map();
  const where = options.keys
    ? inArray(eventOutbox.idempotencyKey, options.keys)
    : lt(eventOutbox.createdAt, new Date(Date.now() - (options.olderThanMs ?? 30_000)));
  const pending = await db.select().from(eventOutbox).where(where).limit(1000);
  const published = new Map<string, string>();
  await Promise.all(
    pending.map(async (row) => {
      try {
        const event = await publishEvent(row.organizationId, row.type, row.data, { idempotencyKey: row.idempotencyKey });
        await db.delete(eventOutbox).where(eq(eventOutbox.idempotencyKey, row.idempotencyKey));
        published.set(row.idempotencyKey, event.id);
      } catch (error) {
        // Left in the outbox: the sweeper tries again.
        logger.error("publishing an outbox event failed", { key: row.idempotencyKey, type: row.type, error });
      }
    }),
  );
  return published;
}
