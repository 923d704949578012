import { and, desc, eq, gt, isNull, lt, ne, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { authSessions, memberships, organizations } from "@/db/schema";
import { newId } from "@/lib/ids";

/** Why a session ended, as stored (and shown in the audit log). */
export type SessionEndReason =
  | "signed_out"
  | "password_changed"
  | "password_reset"
  | "email_changed"
  | "removed_from_organization"
  | "left_organization"
  | "organization_deactivated"
  | "signed_out_elsewhere";

/** Starts the server side of a new sign-in. */
export async function createAuthSession(p: {
  userId: string;
  orgId: string;
  maxAgeSeconds: number;
  userAgent?: string | null;
  ip?: string | null;
}): Promise<string> {
  const db = await getDb();
  const id = newId("ses", 32);
  const now = new Date();
  await db.insert(authSessions).values({
    id,
    userId: p.userId,
    organizationId: p.orgId,
    userAgent: p.userAgent?.slice(0, 300) ?? null,
    ip: p.ip?.slice(0, 64) ?? null,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + p.maxAgeSeconds * 1000),
  });
  await db
    .update(memberships)
    .set({ lastSelectedAt: now })
    .where(and(eq(memberships.userId, p.userId), eq(memberships.organizationId, p.orgId)));
  // Old rows are of no use once their cookie has expired too; a sign-in tidies its own person's.
  await db.delete(authSessions).where(and(eq(authSessions.userId, p.userId), lt(authSessions.expiresAt, new Date(now.getTime() - 86_400_000))));
  return id;
}

/** Ends one session (sign-out). Returns the organization it was in, or undefined when it had already ended. */
export async function endSession({ sessionId, reason }: { sessionId: string; reason: SessionEndReason }): Promise<{ userId: string; orgId: string } | undefined> {
  const db = await getDb();
  const [row] = await db
    .update(authSessions)
    .set({ endedAt: new Date(), endedReason: reason })
    .where(and(eq(authSessions.id, sessionId), isNull(authSessions.endedAt)))
    .returning({ userId: authSessions.userId, orgId: authSessions.organizationId });
  return row;
}

/**
 * Ends a person's live sessions: all of them, all but one (`except`, the browser that made a password change), or
 * only those working in one organization (`orgId`, a removal). Returns how many ended.
 */
export async function endUserSessions(p: { userId: string; reason: SessionEndReason; except?: string; orgId?: string }): Promise<number> {
  const db = await getDb();
  const rows = await db
    .update(authSessions)
    .set({ endedAt: new Date(), endedReason: p.reason })
    .where(
      and(
        eq(authSessions.userId, p.userId),
        isNull(authSessions.endedAt),
        p.except ? ne(authSessions.id, p.except) : undefined,
        p.orgId ? eq(authSessions.organizationId, p.orgId) : undefined,
      ),
    )
    .returning({ id: authSessions.id });
  return rows.length;
}

/** Ends every live session working in an organization (it was deactivated). */
export async function endOrganizationSessions({ orgId, reason }: { orgId: string; reason: SessionEndReason }): Promise<number> {
  const db = await getDb();
  const rows = await db
    .update(authSessions)
    .set({ endedAt: new Date(), endedReason: reason })
    .where(and(eq(authSessions.organizationId, orgId), isNull(authSessions.endedAt)))
    .returning({ id: authSessions.id });
  return rows.length;
}

/**
 * Moves a live session to another organization of the same person. The membership and the organization's state
 * are checked in the same statement, so a switch to an organization one is not (or no longer) a member of, or that
 * is deactivated, changes nothing. Returns whether it moved.
 */
export async function switchSessionOrganization({ sessionId, userId, orgId }: { sessionId: string; userId: string; orgId: string }): Promise<boolean> {
  const db = await getDb();
  const rows = await db
    .update(authSessions)
    .set({ organizationId: orgId })
    .where(
      and(
        eq(authSessions.id, sessionId),
        eq(authSessions.userId, userId),
        isNull(authSessions.endedAt),
        // A portal session (a magic link's) stays in its one organization.
        isNull(authSessions.portalLinkId),
        sql`exists (select 1 from ${memberships} join ${organizations} on ${organizations.id} = ${memberships.organizationId}
          where ${memberships.userId} = ${userId} and ${memberships.organizationId} = ${orgId} and ${organizations.deactivatedAt} is null)`,
      ),
    )
    .returning({ id: authSessions.id });
  if (rows.length === 1) {
    await db
      .update(memberships)
      .set({ lastSelectedAt: new Date() })
      .where(and(eq(memberships.userId, userId), eq(memberships.organizationId, orgId)));
  }
  return rows.length === 1;
}

export interface SessionView {
  id: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  current: boolean;
}

/** A person's live sessions, newest activity first, for the Profile page. */
export async function listLiveSessions({ userId, currentSessionId }: { userId: string; currentSessionId?: string }): Promise<SessionView[]> {
  const db = await getDb();
  const rows = await db
    .select({ id: authSessions.id, userAgent: authSessions.userAgent, ip: authSessions.ip, createdAt: authSessions.createdAt, lastSeenAt: authSessions.lastSeenAt })
    .from(authSessions)
    .where(and(eq(authSessions.userId, userId), isNull(authSessions.endedAt), gt(authSessions.expiresAt, new Date())))
    .orderBy(desc(authSessions.lastSeenAt))
    .limit(50);
  return rows.map((r) => ({ ...r, current: r.id === currentSessionId }));
}

/** Whether a session is still live (for tests and the sign-out regression checks). */
export async function isSessionLive(sessionId: string): Promise<boolean> {
  const db = await getDb();
  const [row] = await db
    .select({ id: authSessions.id })
    .from(authSessions)
    .where(and(eq(authSessions.id, sessionId), isNull(authSessions.endedAt), gt(authSessions.expiresAt, new Date())))
    .limit(1);
  return Boolean(row);
}
