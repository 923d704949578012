import { and, eq, isNull, or, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { webhookEndpoints } from "@/db/schema";
import { publishEvent } from "@/lib/delivery/publish";
import { findPlatformOrganizationId } from "./platform";

/**
 * Publishes an operational event to the platform's operational webhooks, through the ordinary publish path (the
 * catalog check, one delivery per subscribed endpoint, the delivery engine). Nothing is stored when no operational
 * endpoint listens for the type, so a platform without operational webhooks gains no events. The idempotency key
 * makes a repeat (a notice handled again after a crash) store and send nothing new.
 */
export async function publishOperationalEvent(type: string, data: Record<string, unknown>, idempotencyKey: string): Promise<{ id: string } | undefined> {
  const platformId = await findPlatformOrganizationId();
  if (!platformId) return undefined;
  const db = await getDb();
  const [listening] = await db
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.organizationId, platformId),
        eq(webhookEndpoints.active, true),
        isNull(webhookEndpoints.deletedAt),
        or(isNull(webhookEndpoints.eventTypes), sql`${type} = any(${webhookEndpoints.eventTypes})`),
      ),
    )
    .limit(1);
  if (!listening) return undefined;
  const published = await publishEvent(platformId, type, data, { idempotencyKey, operational: true });
  return { id: published.id };
}
