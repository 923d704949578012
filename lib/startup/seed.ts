import { sql } from "drizzle-orm";
import { hashPassword } from "@/lib/auth/password";
import { newId } from "@/lib/ids";
import { logger } from "@/lib/logger";
import type { Db } from "@/db";
import { memberships, organizations, users, type Plan } from "@/db/schema";

interface DemoAccount {
  email: string;
  password: string;
  name: string;
  isPlatformAdmin: boolean;
  org: { slug: string; name: string; plan: Plan };
}

/** The demo accounts the README lists. Only ever seeded into an empty database, and never in production unasked. */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  {
    email: "admin@example.com",
    password: "admin-demo-password",
    name: "Platform Admin",
    isPlatformAdmin: true,
    org: { slug: "herald-platform", name: "Herald Platform", plan: "enterprise" },
  },
  {
    email: "partner@example.com",
    password: "partner-demo-password",
    name: "Paula Partner",
    isPlatformAdmin: false,
    org: { slug: "acme-verify", name: "Acme Verify", plan: "enterprise" },
  },
  {
    email: "other@example.com",
    password: "other-demo-password",
    name: "Oscar Other",
    isPlatformAdmin: false,
    org: { slug: "globex-credentials", name: "Globex Credentials", plan: "free" },
  },
];

/**
 * Seeds the demo organizations and their owners when the database holds no organization. Runs in one transaction
 * with a lock, so two processes starting together on one PostgreSQL seed once.
 */
export async function seedDemoData(db: Db): Promise<{ seeded: boolean }> {
  // Checked once before hashing so that a start against a seeded database costs one query, not three hashes.
  if ((await db.select({ id: organizations.id }).from(organizations).limit(1)).length > 0) return { seeded: false };
  const hashes = await Promise.all(DEMO_ACCOUNTS.map((a) => hashPassword(a.password)));
  const seeded = await db.transaction(async (tx) => {
    await tx.execute(sql`lock table organizations in share row exclusive mode`);
    const existing = await tx.select({ id: organizations.id }).from(organizations).limit(1);
    if (existing.length > 0) return false;
    for (const [i, account] of DEMO_ACCOUNTS.entries()) {
      const orgId = newId("org");
      const userId = newId("usr");
      await tx.insert(organizations).values({ id: orgId, ...account.org });
      await tx.insert(users).values({
        id: userId,
        email: account.email,
        name: account.name,
        passwordHash: hashes[i],
        isPlatformAdmin: account.isPlatformAdmin,
      });
      await tx.insert(memberships).values({ userId, organizationId: orgId, role: "owner" });
    }
    return true;
  });
  if (seeded) logger.info("seeded demo data", { accounts: DEMO_ACCOUNTS.map((a) => a.email) });
  return { seeded };
}
