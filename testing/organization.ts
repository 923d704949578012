import { getDb } from "@/db";
import type { SessionContext } from "@/db/queries/users";
import { organizations, users, type Plan } from "@/db/schema";
import { newId } from "@/lib/ids";
import { sessionContextFor } from "./session";

/**
 * A fresh organization with one owner (no password), for tests that must not share the demo organizations with
 * other test files running at the same time on the same database (e.g. one that switches Acme's endpoints off).
 */
export async function createTestOrganization(label: string, plan: Plan = "enterprise"): Promise<SessionContext> {
  const db = await getDb();
  const suffix = newId("t", 8).slice(2);
  const orgId = newId("org");
  await db.insert(organizations).values({ id: orgId, slug: `${label}-${suffix}`, name: `${label} ${suffix}`, plan });
  const email = `${label}-${suffix}@tests.example`;
  await db.insert(users).values({ id: newId("usr"), organizationId: orgId, email, name: label, role: "owner" });
  return sessionContextFor(email);
}
