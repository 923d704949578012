import { and, eq, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { organizations, users, type Plan, type Role } from "@/db/schema";

export interface SignInUser {
  id: string;
  email: string;
  name: string;
  passwordHash: string | null;
  organizationId: string;
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
      organizationId: users.organizationId,
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

export interface SessionContext {
  user: { id: string; email: string; name: string; role: Role; isPlatformAdmin: boolean };
  org: { id: string; slug: string; name: string; plan: Plan };
}

/**
 * The signed-in person and their organization, read fresh on every request so that a deleted user or a moved
 * organization takes effect at once rather than when the session cookie expires. Undefined when either is gone.
 */
export async function getSessionContext({ userId, orgId }: { userId: string; orgId: string }): Promise<SessionContext | undefined> {
  const db = await getDb();
  const [row] = await db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      isPlatformAdmin: users.isPlatformAdmin,
      orgId: organizations.id,
      slug: organizations.slug,
      orgName: organizations.name,
      plan: organizations.plan,
    })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.organizationId))
    .where(and(eq(users.id, userId), eq(users.organizationId, orgId)))
    .limit(1);
  if (!row) return undefined;
  return {
    user: { id: row.userId, email: row.email, name: row.name, role: row.role, isPlatformAdmin: row.isPlatformAdmin },
    org: { id: row.orgId, slug: row.slug, name: row.orgName, plan: row.plan },
  };
}

/** Renames the signed-in user; scoped by organization too, so a forged user id from another tenant changes nothing. */
export async function updateUserName({ orgId, userId, name }: { orgId: string; userId: string; name: string }): Promise<boolean> {
  const db = await getDb();
  const rows = await db
    .update(users)
    .set({ name, updatedAt: new Date() })
    .where(and(eq(users.id, userId), eq(users.organizationId, orgId)))
    .returning({ id: users.id });
  return rows.length === 1;
}
