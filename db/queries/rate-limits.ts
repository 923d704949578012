import { and, count, eq, lte, min, sql } from "drizzle-orm";
import { getDb, type Db } from "@/db";
import { rateLimitHits } from "@/db/schema";

/** What a transaction callback receives, on postgres.js and on PGlite alike. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Serialises every transaction that locks the same key until it ends (a transaction-scoped advisory lock, so it can
 * never be left behind). Keys are taken in one fixed order, so two transactions sharing two keys cannot deadlock.
 * Different keys that hash alike only wait for each other, never share a budget. On PGlite transactions already run
 * one at a time; the lock costs nothing there.
 */
export async function lockKeys(tx: Tx, keys: string[]): Promise<void> {
  for (const key of [...new Set(keys)].sort()) {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
  }
}

export type SlotDecision = { taken: true; hitId: number } | { taken: false; retryAfterSeconds: number };

/**
 * A sliding-window limit whose count and insert are one step: `limit` actions per `windowMs` for `key`. Callers
 * that come at once queue on the key's lock, and each sees the rows of those before it.
 */
export async function takeRateLimitSlot({
  key,
  limit,
  windowMs,
  now = new Date(),
}: {
  key: string;
  limit: number;
  windowMs: number;
  now?: Date;
}): Promise<SlotDecision> {
  const db = await getDb();
  const since = new Date(now.getTime() - windowMs);
  return db.transaction(async (tx) => {
    await lockKeys(tx, [`rate-limit:${key}`]);
    // Rows that left the window count for nothing: each key keeps at most `limit` rows.
    await tx.delete(rateLimitHits).where(and(eq(rateLimitHits.key, key), lte(rateLimitHits.createdAt, since)));
    const [used] = await tx.select({ n: count(), oldest: min(rateLimitHits.createdAt) }).from(rateLimitHits).where(eq(rateLimitHits.key, key));
    if ((used?.n ?? 0) >= limit) {
      const oldest = used?.oldest ?? now;
      return { taken: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest.getTime() + windowMs - now.getTime()) / 1000)) };
    }
    const [hit] = await tx.insert(rateLimitHits).values({ key, createdAt: now }).returning({ id: rateLimitHits.id });
    return { taken: true, hitId: hit!.id };
  });
}

/** Gives a slot back, for an action that was let through but then did not happen. */
export async function releaseRateLimitSlot(hitId: number): Promise<void> {
  const db = await getDb();
  await db.delete(rateLimitHits).where(eq(rateLimitHits.id, hitId));
}
