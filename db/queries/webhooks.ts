import { and, desc, eq, isNull } from "drizzle-orm";
import { getDb } from "@/db";
import { webhookEndpoints, type WebhookEndpointRow } from "@/db/schema";

type Scope = { orgId: string };
type EndpointScope = Scope & { id: string };

const live = ({ orgId, id }: EndpointScope) =>
  and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.organizationId, orgId), isNull(webhookEndpoints.deletedAt));

/** The organization's endpoints (not deleted), newest first. */
export async function listEndpointRows({ orgId }: Scope): Promise<WebhookEndpointRow[]> {
  const db = await getDb();
  return db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.organizationId, orgId), isNull(webhookEndpoints.deletedAt)))
    .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id));
}

/** One endpoint of the organization; undefined for another organization's id exactly as for an unknown one. */
export async function findEndpointRow(scope: EndpointScope): Promise<WebhookEndpointRow | undefined> {
  const db = await getDb();
  const [row] = await db.select().from(webhookEndpoints).where(live(scope)).limit(1);
  return row;
}

export async function insertEndpointRow(row: typeof webhookEndpoints.$inferInsert): Promise<void> {
  const db = await getDb();
  await db.insert(webhookEndpoints).values(row);
}

/** Updates one live endpoint of the organization; false when there is none (unknown, deleted or another tenant's). */
export async function updateEndpointRow(
  scope: EndpointScope,
  patch: Partial<Omit<typeof webhookEndpoints.$inferInsert, "id" | "organizationId" | "createdAt">>,
): Promise<boolean> {
  const db = await getDb();
  const rows = await db
    .update(webhookEndpoints)
    .set({ ...patch, updatedAt: new Date() })
    .where(live(scope))
    .returning({ id: webhookEndpoints.id });
  return rows.length === 1;
}

/** Deletes an endpoint for the partner while keeping the row, so its delivery history stays readable. */
export async function softDeleteEndpointRow(scope: EndpointScope): Promise<boolean> {
  return updateEndpointRow(scope, { deletedAt: new Date(), active: false });
}
