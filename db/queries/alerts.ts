import { and, eq, inArray } from "drizzle-orm";
import { getDb } from "@/db";
import { hasPgCode } from "@/db/pg-errors";
import { ALERT_KINDS, notificationOptOuts, users, type AlertKind } from "@/db/schema";
import { newId } from "@/lib/ids";

/** The alert kinds a person gets (true) or has opted out of (false). Only ever called with the session's user id. */
export async function getAlertPreferences({ userId }: { userId: string }): Promise<Record<AlertKind, boolean>> {
  const db = await getDb();
  const rows = await db.select({ kind: notificationOptOuts.kind }).from(notificationOptOuts).where(eq(notificationOptOuts.userId, userId));
  const out = Object.fromEntries(ALERT_KINDS.map((k) => [k, true])) as Record<AlertKind, boolean>;
  for (const r of rows) if (r.kind in out) out[r.kind] = false;
  return out;
}

/** Stores a person's choices: one opt-out row per kind they do not want, in one transaction. */
export async function setAlertPreferences({ userId, preferences }: { userId: string; preferences: Record<AlertKind, boolean> }): Promise<void> {
  const db = await getDb();
  const off = ALERT_KINDS.filter((k) => !preferences[k]);
  const on = ALERT_KINDS.filter((k) => preferences[k]);
  await db.transaction(async (tx) => {
    if (on.length > 0) await tx.delete(notificationOptOuts).where(and(eq(notificationOptOuts.userId, userId), inArray(notificationOptOuts.kind, on)));
    if (off.length > 0) {
      await tx
        .insert(notificationOptOuts)
        .values(off.map((kind) => ({ id: newId("nop"), userId, kind })))
        .onConflictDoNothing();
    }
  });
}

/**
 * An unsubscribe: a person (any organization) or an address of an endpoint's Alert emails (that organization only)
 * stops getting one kind of alert. Idempotent; false when the person or organization no longer exists.
 */
export async function addOptOut(target: { userId: string } | { organizationId: string; email: string }, kind: AlertKind): Promise<boolean> {
  const db = await getDb();
  try {
    if ("userId" in target) {
      await db.insert(notificationOptOuts).values({ id: newId("nop"), userId: target.userId, kind }).onConflictDoNothing();
    } else {
      await db
        .insert(notificationOptOuts)
        .values({ id: newId("nop"), organizationId: target.organizationId, email: target.email.toLowerCase(), kind })
        .onConflictDoNothing();
    }
    return true;
  } catch (error) {
    // A foreign key violation: the person or organization was deleted since the email went out.
    if (hasPgCode(error, "23503")) return false;
    throw error;
  }
}

/** A person's email address, for the unsubscribe page (the signed token names the person by id). */
export async function findUserEmail({ userId }: { userId: string }): Promise<string | undefined> {
  const db = await getDb();
  const [row] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId)).limit(1);
  return row?.email;
}
