import { and, count, eq, gte, min } from "drizzle-orm";
import { getDb } from "@/db";
import { loginAttempts } from "@/db/schema";

export async function recordLoginAttempt(attempt: { email: string; ip: string; succeeded: boolean }): Promise<void> {
  const db = await getDb();
  await db.insert(loginAttempts).values(attempt);
}

export interface FailureCounts {
  byEmail: number;
  byIp: number;
  /** The oldest failure inside the window that counts against the caller, to say when they may try again. */
  oldestByEmail: Date | null;
  oldestByIp: Date | null;
}

/** Failed attempts since `since`, for one email (across IPs) and for one IP (across emails). */
export async function countRecentFailures({ email, ip, since }: { email: string; ip: string; since: Date }): Promise<FailureCounts> {
  const db = await getDb();
  const failedSince = and(eq(loginAttempts.succeeded, false), gte(loginAttempts.createdAt, since));
  const [[byEmail], [byIp]] = await Promise.all([
    db
      .select({ n: count(), oldest: min(loginAttempts.createdAt) })
      .from(loginAttempts)
      .where(and(eq(loginAttempts.email, email), failedSince)),
    db
      .select({ n: count(), oldest: min(loginAttempts.createdAt) })
      .from(loginAttempts)
      .where(and(eq(loginAttempts.ip, ip), failedSince)),
  ]);
  return {
    byEmail: byEmail?.n ?? 0,
    byIp: byIp?.n ?? 0,
    oldestByEmail: byEmail?.oldest ?? null,
    oldestByIp: byIp?.oldest ?? null,
  };
}

/** A successful sign-in forgives that email's earlier failures from the same IP. */
export async function clearFailures({ email, ip }: { email: string; ip: string }): Promise<void> {
  const db = await getDb();
  await db
    .delete(loginAttempts)
    .where(and(eq(loginAttempts.email, email), eq(loginAttempts.ip, ip), eq(loginAttempts.succeeded, false)));
}
