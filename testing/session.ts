import { and, asc, eq } from "drizzle-orm";
import { getDb } from "@/db";
import { createAuthSession } from "@/db/queries/auth-sessions";
import { getContextForSession, getSessionContext, type SessionContext } from "@/db/queries/users";
import { memberships, users } from "@/db/schema";
import { SESSION_MAX_AGE_SECONDS } from "@/lib/auth/config";
import { prepareDatabase } from "@/lib/startup";

/**
 * The session context a signed-in user would have: for tests and benchmarks that run actions directly. Prepares the
 * database first as a server's start-up does (migrations, and the demo accounts where SEED_DEMO asks), so a test
 * that signs in as a demo partner finds them. The organization is the person's first one unless `orgId` names
 * another. The context has no server-side session; `signedInContextFor` makes one.
 */
export async function sessionContextFor(email: string, orgId?: string): Promise<SessionContext> {
  await prepareDatabase();
  const db = await getDb();
  const [row] = await db
    .select({ userId: users.id, orgId: memberships.organizationId })
    .from(users)
    .innerJoin(memberships, eq(memberships.userId, users.id))
    .where(and(eq(users.email, email), orgId ? eq(memberships.organizationId, orgId) : undefined))
    .orderBy(asc(memberships.createdAt))
    .limit(1);
  const ctx = row ? await getSessionContext(row) : undefined;
  if (!ctx) throw new Error(`no user ${email}${orgId ? ` in ${orgId}` : ""}: is the demo data seeded?`);
  return ctx;
}

/** A context with a live server-side session, as a browser that just signed in has (for sign-out, switching...). */
export async function signedInContextFor(email: string, orgId?: string): Promise<SessionContext & { sessionId: string }> {
  const base = await sessionContextFor(email, orgId);
  const sessionId = await createAuthSession({ userId: base.user.id, orgId: base.org.id, maxAgeSeconds: SESSION_MAX_AGE_SECONDS });
  const ctx = await getContextForSession({ sessionId, userId: base.user.id });
  if (!ctx?.sessionId) throw new Error("the new session could not be read back");
  return { ...ctx, sessionId: ctx.sessionId };
}
