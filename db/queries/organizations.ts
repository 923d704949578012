import { asc, count, eq, max } from "drizzle-orm";
import { getDb } from "@/db";
import { organizations, users, type Plan, type Role } from "@/db/schema";

export interface OrganizationMember {
  id: string;
  name: string;
  email: string;
  role: Role;
  lastLoginAt: Date | null;
}

/** The members of the caller's organization. */
export async function listMembers({ orgId }: { orgId: string }): Promise<OrganizationMember[]> {
  const db = await getDb();
  return db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role, lastLoginAt: users.lastLoginAt })
    .from(users)
    .where(eq(users.organizationId, orgId))
    .orderBy(asc(users.createdAt), asc(users.email));
}

export interface OrganizationSummary {
  id: string;
  slug: string;
  name: string;
  plan: Plan;
  createdAt: Date;
  memberCount: number;
  lastLoginAt: Date | null;
}

/**
 * Every organization, for the Admin section. Takes the caller's admin flag and fails closed, so a page that forgot
 * its own check still cannot list other tenants.
 */
export async function listOrganizationsForAdmin({ isPlatformAdmin }: { isPlatformAdmin: boolean }): Promise<OrganizationSummary[]> {
  if (!isPlatformAdmin) return [];
  const db = await getDb();
  return db
    .select({
      id: organizations.id,
      slug: organizations.slug,
      name: organizations.name,
      plan: organizations.plan,
      createdAt: organizations.createdAt,
      memberCount: count(users.id),
      lastLoginAt: max(users.lastLoginAt),
    })
    .from(organizations)
    .leftJoin(users, eq(users.organizationId, organizations.id))
    .groupBy(organizations.id)
    .orderBy(asc(organizations.name));
}

/** Renames the caller's organization. The slug stays: it is an identifier others may have stored. */
export async function renameOrganization({ orgId, name }: { orgId: string; name: string }): Promise<boolean> {
  const db = await getDb();
  const rows = await db
    .update(organizations)
    .set({ name, updatedAt: new Date() })
    .where(eq(organizations.id, orgId))
    .returning({ id: organizations.id });
  return rows.length === 1;
}
