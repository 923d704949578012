import { and, desc, eq, gt, isNotNull, isNull, or, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { authSessions, memberships, organizations, users, type Plan, type Role } from "@/db/schema";

export interface SignInUser {
  id: string;
  email: string;
  name: string;
  passwordHash: string | null;
  isPlatformAdmin: boolean;
}

/**
 * Looks a user up by email for sign-in. The one query not scoped by organization: at sign-in there is no tenant
 * yet, and the email is what decides it.
 */
export async function findUserForSignIn(email: string): Promise<SignInUser | undefined> {
  const db = await getDb();
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      passwordHash: users.passwordHash,
      isPlatformAdmin: users.isPlatformAdmin,
    })
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()))
    .limit(1);
  return row;
}

export async function markSignedIn(userId: string): Promise<void> {
  const db = await getDb();
  await db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, userId));
}

/** Where a sign-in lands: the organization the person chose last, else the one they joined first. */
export type SignInOrganization =
  | { ok: true; orgId: string }
  | { ok: false; reason: "no_organization" | "organization_deactivated" };

export async function pickSignInOrganization(userId: string): Promise<SignInOrganization> {
  const db = await getDb();
  const rows = await db
    .select({ orgId: memberships.organizationId, deactivatedAt: organizations.deactivatedAt })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(eq(memberships.userId, userId))
    .orderBy(sql`${memberships.lastSelectedAt} desc nulls last`, memberships.createdAt);
  if (rows.length === 0) return { ok: false, reason: "no_organization" };
  const active = rows.find((r) => !r.deactivatedAt);
  return active ? { ok: true, orgId: active.orgId } : { ok: false, reason: "organization_deactivated" };
}

export interface SessionContext {
  user: { id: string; email: string; name: string; role: Role; isPlatformAdmin: boolean };
  org: { id: string; slug: string; name: string; plan: Plan };
  /**
   * The signed-in browser's session (auth_sessions.id): set for real requests, absent for contexts built directly
   * (tests, scripts), which cannot sign out or switch organizations.
   */
  sessionId?: string;
  /**
   * Set when a magic link opened this session (a portal session): it works in this one organization only (no
   * switcher), never reaches the Admin section, and offers "Back to <platform>" when the link named a returnUrl.
   * `anonymous`: the link named nobody, so the session acts as the organization's portal identity (no password,
   * no profile of its own).
   */
  portal?: { returnUrl: string | null; embedded: boolean; anonymous: boolean };
}

const CONTEXT_COLUMNS = {
  userId: users.id,
  email: users.email,
  name: users.name,
  role: memberships.role,
  isPlatformAdmin: users.isPlatformAdmin,
  orgId: organizations.id,
  slug: organizations.slug,
  orgName: organizations.name,
  plan: organizations.plan,
};

type ContextRow = { [K in keyof typeof CONTEXT_COLUMNS]: (typeof CONTEXT_COLUMNS)[K]["_"]["data"] };

function toContext(row: ContextRow, sessionId?: string): SessionContext {
  return {
    user: { id: row.userId, email: row.email, name: row.name, role: row.role, isPlatformAdmin: row.isPlatformAdmin },
    org: { id: row.orgId, slug: row.slug, name: row.orgName, plan: row.plan },
    ...(sessionId ? { sessionId } : {}),
  };
}

/**
 * A person inside one organization: they are a member and the organization is active. Read fresh, so a removed
 * member or a deactivated organization takes effect at once. Undefined otherwise.
 */
export async function getSessionContext({ userId, orgId }: { userId: string; orgId: string }): Promise<SessionContext | undefined> {
  const db = await getDb();
  const [row] = await db
    .select(CONTEXT_COLUMNS)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(and(eq(memberships.userId, userId), eq(memberships.organizationId, orgId), isNull(organizations.deactivatedAt)))
    .limit(1);
  return row ? toContext(row) : undefined;
}

/**
 * The context of a signed-in browser, read on every request: its session row must be live (not ended, not past its
 * expiry) and belong to the user the cookie names, the person must still be a member of the session's organization,
 * and that organization active. Sign-out, a password change or a removal end the row, and with it the cookie.
 */
export async function getContextForSession({ sessionId, userId }: { sessionId: string; userId: string }): Promise<SessionContext | undefined> {
  const db = await getDb();
  const now = new Date();
  const [row] = await db
    .select({
      ...CONTEXT_COLUMNS,
      // An anonymous portal session has no membership: its role is the session's own.
      role: sql<Role>`coalesce(${memberships.role}, ${authSessions.portalRole})`,
      lastSeenAt: authSessions.lastSeenAt,
      portalLinkId: authSessions.portalLinkId,
      portalRole: authSessions.portalRole,
      portalReturnUrl: authSessions.portalReturnUrl,
      portalEmbedded: authSessions.portalEmbedded,
    })
    .from(authSessions)
    .leftJoin(memberships, and(eq(memberships.userId, authSessions.userId), eq(memberships.organizationId, authSessions.organizationId)))
    .innerJoin(users, eq(users.id, authSessions.userId))
    .innerJoin(organizations, eq(organizations.id, authSessions.organizationId))
    .where(
      and(
        eq(authSessions.id, sessionId),
        eq(authSessions.userId, userId),
        isNull(authSessions.endedAt),
        gt(authSessions.expiresAt, now),
        isNull(organizations.deactivatedAt),
        // A member of the organization, or the organization's own portal identity in an anonymous portal session.
        or(
          isNotNull(memberships.userId),
          and(isNotNull(authSessions.portalLinkId), isNotNull(authSessions.portalRole), eq(users.portalOrganizationId, authSessions.organizationId)),
        ),
      ),
    )
    .limit(1);
  if (!row) return undefined;
  // Last activity to the minute: one write a minute per session, not one per request.
  if (now.getTime() - row.lastSeenAt.getTime() > 60_000) {
    await db.update(authSessions).set({ lastSeenAt: now }).where(eq(authSessions.id, sessionId));
  }
  const context = toContext(row, sessionId);
  if (!row.portalLinkId) return context;
  // A portal session never carries platform-admin rights, whoever the person is: a platform key minted the link.
  return {
    ...context,
    user: { ...context.user, isPlatformAdmin: false },
    portal: { returnUrl: row.portalReturnUrl, embedded: row.portalEmbedded, anonymous: row.portalRole !== null },
  };
}

/** Renames the signed-in user. */
export async function updateUserName({ userId, name }: { userId: string; name: string }): Promise<boolean> {
  const db = await getDb();
  const rows = await db.update(users).set({ name, updatedAt: new Date() }).where(eq(users.id, userId)).returning({ id: users.id });
  return rows.length === 1;
}

export interface AccountView {
  id: string;
  email: string;
  name: string;
  hasPassword: boolean;
}

/** The signed-in person's own account, for the Profile page. */
export async function getAccount({ userId }: { userId: string }): Promise<AccountView | undefined> {
  const db = await getDb();
  const [row] = await db
    .select({ id: users.id, email: users.email, name: users.name, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row ? { id: row.id, email: row.email, name: row.name, hasPassword: Boolean(row.passwordHash) } : undefined;
}

/** The stored password hash of a user (for a password check before a sensitive change). */
export async function getPasswordHash({ userId }: { userId: string }): Promise<string | null | undefined> {
  const db = await getDb();
  const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).limit(1);
  return row?.passwordHash;
}

/** The organizations a person belongs to, for the switcher: active ones first by name. */
export async function listMyOrganizations({ userId }: { userId: string }): Promise<{ id: string; name: string; role: Role }[]> {
  const db = await getDb();
  return db
    .select({ id: organizations.id, name: organizations.name, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(and(eq(memberships.userId, userId), isNull(organizations.deactivatedAt)))
    .orderBy(organizations.name, desc(organizations.id));
}
