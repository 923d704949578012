import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { users } from "@/db/schema";

/** The zone the signed-in person chose in Settings, or null to follow their browser. */
export async function getTimeZonePreference({ userId }: { userId: string }): Promise<string | null> {
  const db = await getDb();
  const [row] = await db.select({ timeZone: users.timeZone }).from(users).where(eq(users.id, userId)).limit(1);
  return row?.timeZone ?? null;
}

/** Stores the person's own zone (null: follow the browser). Only ever called with the session's user id. */
export async function setTimeZonePreference({ userId, timeZone }: { userId: string; timeZone: string | null }): Promise<boolean> {
  const db = await getDb();
  const rows = await db.update(users).set({ timeZone, updatedAt: new Date() }).where(eq(users.id, userId)).returning({ id: users.id });
  return rows.length === 1;
}
