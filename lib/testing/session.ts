import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { getSessionContext, type SessionContext } from "@/db/queries/users";
import { users } from "@/db/schema";

/** The session context a signed-in user would have: for tests and benchmarks that run actions directly. */
export async function sessionContextFor(email: string): Promise<SessionContext> {
  const db = await getDb();
  const [user] = await db.select({ userId: users.id, orgId: users.organizationId }).from(users).where(eq(users.email, email));
  const ctx = user ? await getSessionContext(user) : undefined;
  if (!ctx) throw new Error(`no user ${email}: is the demo data seeded?`);
  return ctx;
}
