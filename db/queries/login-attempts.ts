import { and, count, eq, gte, lt, min } from "drizzle-orm";
import { getDb } from "@/db";
import { loginAttempts } from "@/db/schema";
import { lockKeys, type Tx } from "./rate-limits";

export interface FailureCounts {
  byEmail: number;
  byIp: number;
  /** The oldest failure inside the window that counts against the caller, to say when they may try again. */
  oldestByEmail: Date | null;
  oldestByIp: Date | null;
}

async function countFailures(tx: Tx, { email, ip, since }: { email: string; ip: string; since: Date }): Promise<FailureCounts> {
  const failedSince = and(eq(loginAttempts.succeeded, false), gte(loginAttempts.createdAt, since));
  // One after the other: a transaction is one connection.
  const [byEmail] = await tx
    .select({ n: count(), oldest: min(loginAttempts.createdAt) })
    .from(loginAttempts)
    .where(and(eq(loginAttempts.email, email), failedSince));
  const [byIp] = await tx
    .select({ n: count(), oldest: min(loginAttempts.createdAt) })
    .from(loginAttempts)
    .where(and(eq(loginAttempts.ip, ip), failedSince));
  return {
    byEmail: byEmail?.n ?? 0,
    byIp: byIp?.n ?? 0,
    oldestByEmail: byEmail?.oldest ?? null,
    oldestByIp: byIp?.oldest ?? null,
  };
}

export type LoginReservation<R> = { reserved: true; attemptId: number } | { reserved: false; refusal: R };

/**
 * The throttle's count and the attempt's record in one step. Under locks on the email and the IP, counts their
 * failures since `since` and, unless `refuse` returns a reason, records this attempt as a failure before the password is
 * checked; `markLoginSucceeded` turns it into a success. Concurrent guesses therefore queue on the locks and each one
 * counts those before it, in flight or not: no more passwords are checked than the budget allows.
 */
export async function reserveLoginAttempt<R>({
  email,
  ip,
  since,
  now,
  refuse,
}: {
  email: string;
  ip: string;
  since: Date;
  now: Date;
  refuse: (counts: FailureCounts) => R | undefined;
}): Promise<LoginReservation<R>> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    await lockKeys(tx, [`login:email:${email}`, `login:ip:${ip}`]);
    const counts = await countFailures(tx, { email, ip, since });
    const refusal = refuse(counts);
    if (refusal !== undefined) return { reserved: false, refusal };
    const [row] = await tx
      .insert(loginAttempts)
      .values({ email, ip, succeeded: false, createdAt: now })
      .returning({ id: loginAttempts.id });
    return { reserved: true, attemptId: row!.id };
  });
}

/** The password was right: the attempt becomes a success and forgives that email's earlier failures from that IP. */
export async function markLoginSucceeded({ attemptId, email, ip }: { attemptId: number; email: string; ip: string }): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    await tx.update(loginAttempts).set({ succeeded: true }).where(eq(loginAttempts.id, attemptId));
    await tx
      .delete(loginAttempts)
      .where(and(eq(loginAttempts.email, email), eq(loginAttempts.ip, ip), eq(loginAttempts.succeeded, false), lt(loginAttempts.id, attemptId)));
  });
}
