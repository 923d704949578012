import { getDb } from "@/db";
import type { SessionContext } from "@/db/queries/users";
import { memberships, organizations, users, type Plan, type Role } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { newId } from "@/lib/ids";
import { prepareDatabase } from "@/lib/startup";
import { sessionContextFor } from "./session";

/**
 * A fresh organization with one owner (no password), for tests that must not share the demo organizations with
 * other test files running at the same time on the same database (e.g. one that switches Acme's endpoints off).
 */
export async function createTestOrganization(label: string, plan: Plan = "enterprise"): Promise<SessionContext> {
  // Demo data is seeded only into a database without organizations: seed first, or this one would prevent it for
  // every test file that shares the database.
  await prepareDatabase();
  const db = await getDb();
  const suffix = newId("t", 8).slice(2);
  const orgId = newId("org");
  await db.insert(organizations).values({ id: orgId, slug: `${label}-${suffix}`, name: `${label} ${suffix}`, plan });
  const email = `${label}-${suffix}@tests.example`;
  const userId = newId("usr");
  await db.insert(users).values({ id: userId, email, name: label });
  await db.insert(memberships).values({ userId, organizationId: orgId, role: "owner" });
  return sessionContextFor(email, orgId);
}

/**
 * A new person in an existing organization, with a password when one is given (for sign-in tests). Returns their
 * context in that organization.
 */
export async function addTestMember(
  orgId: string,
  options: { role?: Role; label?: string; password?: string } = {},
): Promise<SessionContext & { email: string }> {
  const db = await getDb();
  const label = options.label ?? "member";
  const email = `${label}-${newId("t", 10).slice(2)}@tests.example`;
  const userId = newId("usr");
  await db.insert(users).values({ id: userId, email, name: label, passwordHash: options.password ? await hashPassword(options.password) : null });
  await db.insert(memberships).values({ userId, organizationId: orgId, role: options.role ?? "member" });
  return { ...(await sessionContextFor(email, orgId)), email };
}
