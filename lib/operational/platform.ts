import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { organizations } from "@/db/schema";
import { newId } from "@/lib/ids";

/**
 * The platform's own organization: the holder of the operational webhooks. Operational endpoints are ordinary
 * `webhook_endpoints` rows of this organization, so Herald delivers to them with everything partners' endpoints get
 * (signing and rotation, retries with backoff, the SSRF guard, attempts recorded and readable under Admin -> All
 * deliveries). Nobody is a member, so nobody signs in to it; partner lists leave it out. Its slug holds a character
 * the organization form refuses, so no partner organization can take it.
 */
export const PLATFORM_ORGANIZATION_SLUG = "~operational-webhooks";
export const PLATFORM_ORGANIZATION_NAME = "Operational webhooks";

/** The platform organization's id, or undefined before the first operational endpoint was registered. */
export async function findPlatformOrganizationId(): Promise<string | undefined> {
  const db = await getDb();
  const [row] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.isPlatform, true)).limit(1);
  return row?.id;
}

/** The platform organization's id, created on first use (two callers at once create it once: a unique index). */
export async function ensurePlatformOrganization(): Promise<string> {
  const existing = await findPlatformOrganizationId();
  if (existing) return existing;
  const db = await getDb();
  await db
    .insert(organizations)
    // Enterprise, so that no plan rule ever holds back the platform's own deliveries.
    .values({ id: newId("org"), slug: PLATFORM_ORGANIZATION_SLUG, name: PLATFORM_ORGANIZATION_NAME, plan: "enterprise", isPlatform: true })
    .onConflictDoNothing();
  const id = await findPlatformOrganizationId();
  if (!id) throw new Error("the platform organization could not be created");
  return id;
}
