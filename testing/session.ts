import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { getSessionContext, type SessionContext } from "@/db/queries/users";
import { users } from "@/db/schema";
import { prepareDatabase } from "@/lib/startup";

/**
 * The session context a signed-in user would have: for tests and benchmarks that run actions directly. Prepares the
 * database first as a server's start-up does (migrations, and the demo accounts where SEED_DEMO asks), so a test
 * that signs in as a demo partner finds them.
 */
export async function sessionContextFor(email: string): Promise<SessionContext> {
  await prepareDatabase();
  const db = await getDb();
  const [user] = await db.select({ userId: users.id, orgId: users.organizationId }).from(users).where(eq(users.email, email));
  const ctx = user ? await getSessionContext(user) : undefined;
  if (!ctx) throw new Error(`no user ${email}: is the demo data seeded?`);
  return ctx;
}
