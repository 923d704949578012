import { and, asc, count, eq, ilike, isNotNull, isNull, max, ne, or, sql } from "drizzle-orm";
import { getDb, type Db } from "@/db";
import { invitations, memberships, organizations, users, type Plan, type Role } from "@/db/schema";

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
    .select({ id: users.id, name: users.name, email: users.email, role: memberships.role, lastLoginAt: users.lastLoginAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organizationId, orgId))
    .orderBy(asc(memberships.createdAt), asc(users.email));
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
    .leftJoin(memberships, eq(memberships.organizationId, organizations.id))
    .leftJoin(users, eq(users.id, memberships.userId))
    // The platform's own organization (operational webhooks) is not a partner.
    .where(eq(organizations.isPlatform, false))
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

/** Whether an organization exists and is not deactivated (deliveries are held while it is). */
export async function isOrganizationActive({ orgId }: { orgId: string }): Promise<boolean> {
  const db = await getDb();
  const [row] = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(and(eq(organizations.id, orgId), isNull(organizations.deactivatedAt)))
    .limit(1);
  return Boolean(row);
}

export interface AdminOrganizationRow extends OrganizationSummary {
  externalId: string | null;
  deactivatedAt: Date | null;
  pendingInvitations: number;
}

export const ADMIN_ORGANIZATIONS_PAGE_SIZE = 25;

/**
 * Admin -> Organizations: one page of organizations, by name, matching `query` in the name, slug, external id or
 * id (case-insensitive). Fails closed like listOrganizationsForAdmin.
 */
export async function searchOrganizationsForAdmin(
  { isPlatformAdmin }: { isPlatformAdmin: boolean },
  { query, page = 1, pageSize = ADMIN_ORGANIZATIONS_PAGE_SIZE }: { query?: string; page?: number; pageSize?: number },
): Promise<{ rows: AdminOrganizationRow[]; total: number }> {
  if (!isPlatformAdmin) return { rows: [], total: 0 };
  const db = await getDb();
  const term = query?.trim();
  const pattern = term ? `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  const matches = pattern
    ? or(
        ilike(organizations.name, pattern),
        ilike(organizations.slug, pattern),
        ilike(organizations.externalId, pattern),
        eq(organizations.id, term!),
      )
    : undefined;
  // The platform's own organization (operational webhooks) is not a partner.
  const where = and(eq(organizations.isPlatform, false), matches);
  const [counted] = await db.select({ n: count() }).from(organizations).where(where);
  const rows = await db
    .select({
      id: organizations.id,
      slug: organizations.slug,
      name: organizations.name,
      plan: organizations.plan,
      externalId: organizations.externalId,
      deactivatedAt: organizations.deactivatedAt,
      createdAt: organizations.createdAt,
      // Spelled out with aliases: in a single-table select, drizzle writes column references without their table,
      // and an unqualified "id" inside these subqueries would name the subquery's own table.
      memberCount: sql<number>`(select count(*)::int from ${memberships} m where m.organization_id = ${organizations}.id)`,
      lastLoginAt: sql<Date | null>`(select max(u.last_login_at) from ${users} u join ${memberships} m on m.user_id = u.id where m.organization_id = ${organizations}.id)`,
      pendingInvitations: sql<number>`(select count(*)::int from ${invitations} i where i.organization_id = ${organizations}.id
        and i.accepted_at is null and i.revoked_at is null and i.expires_at > now())`,
    })
    .from(organizations)
    .where(where)
    .orderBy(asc(organizations.name), asc(organizations.id))
    .limit(pageSize)
    .offset((Math.max(1, page) - 1) * pageSize);
  return {
    rows: rows.map((r) => ({
      ...r,
      memberCount: Number(r.memberCount),
      pendingInvitations: Number(r.pendingInvitations),
      // A subquery's timestamp comes back as text on some drivers.
      lastLoginAt: r.lastLoginAt ? new Date(r.lastLoginAt) : null,
    })),
    total: counted?.n ?? 0,
  };
}

/** A type (not an interface), so it fits the audit log's field diff. */
export type OrganizationRecord = {
  id: string;
  slug: string;
  name: string;
  plan: Plan;
  externalId: string | null;
  deactivatedAt: Date | null;
};

const RECORD_COLUMNS = {
  id: organizations.id,
  slug: organizations.slug,
  name: organizations.name,
  plan: organizations.plan,
  externalId: organizations.externalId,
  deactivatedAt: organizations.deactivatedAt,
};

/** One organization by id, for platform admins (fails closed). */
export async function getOrganizationForAdmin({ isPlatformAdmin, id }: { isPlatformAdmin: boolean; id: string }): Promise<OrganizationRecord | undefined> {
  if (!isPlatformAdmin) return undefined;
  const db = await getDb();
  const [row] = await db
    .select(RECORD_COLUMNS)
    .from(organizations)
    .where(and(eq(organizations.id, id), eq(organizations.isPlatform, false)))
    .limit(1);
  return row;
}

/** Which of slug / external id another organization already uses (for a clear "taken" message before a write). */
export async function findOrganizationClashes({ slug, externalId, exceptId }: { slug: string; externalId: string | null; exceptId?: string }): Promise<{ slug: boolean; externalId: boolean }> {
  const db = await getDb();
  const rows = await db
    .select({ slug: organizations.slug, externalId: organizations.externalId })
    .from(organizations)
    .where(
      and(
        or(eq(organizations.slug, slug), externalId ? eq(organizations.externalId, externalId) : undefined),
        exceptId ? ne(organizations.id, exceptId) : undefined,
      ),
    );
  return { slug: rows.some((r) => r.slug === slug), externalId: Boolean(externalId) && rows.some((r) => r.externalId === externalId) };
}

/** Inserts an organization, in `tx` when given (a transaction that records something with it). */
export async function insertOrganization(
  values: { id: string; name: string; slug: string; plan: Plan; externalId: string | null },
  tx?: Pick<Db, "insert">,
): Promise<OrganizationRecord> {
  const db = tx ?? (await getDb());
  const [row] = await db.insert(organizations).values(values).returning(RECORD_COLUMNS);
  return row!;
}

export async function updateOrganizationRecord(
  id: string,
  values: { name: string; slug: string; externalId: string | null },
): Promise<OrganizationRecord | undefined> {
  const db = await getDb();
  const [row] = await db
    .update(organizations)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(organizations.id, id))
    .returning(RECORD_COLUMNS);
  return row;
}

/** Deactivates or reactivates; returns the row only when its state changed. */
export async function setOrganizationDeactivated(id: string, deactivated: boolean): Promise<OrganizationRecord | undefined> {
  const db = await getDb();
  const [row] = await db
    .update(organizations)
    .set({ deactivatedAt: deactivated ? new Date() : null, updatedAt: new Date() })
    .where(and(eq(organizations.id, id), deactivated ? isNull(organizations.deactivatedAt) : isNotNull(organizations.deactivatedAt)))
    .returning(RECORD_COLUMNS);
  return row;
}
