import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import type { z } from "zod";
import type { apiKeyRefSchema, createApiKeySchema } from "@/app/(portal)/api-keys/schemas";
import { getDb } from "@/db";
import type { SessionContext } from "@/db/queries/users";
import { apiKeys, organizations, users } from "@/db/schema";
import { recordUserAudit } from "@/lib/audit/request";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { assertApiAllowed } from "@/lib/plans";

export const KEY_PREFIX = "hk_live_";
const PREFIX_SHOWN = KEY_PREFIX.length + 6;

const hashKey = (key: string) => createHash("sha256").update(key).digest("hex");

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** Set on a revoked key (listed only when asked for): when, and by whom (their name, else email; null if unknown). */
  revokedAt: string | null;
  revokedBy: string | null;
}

/** Creates a key; the only time its value is ever returned. */
export async function createApiKey(input: z.output<typeof createApiKeySchema>, ctx: SessionContext): Promise<{ id: string; key: string }> {
  assertApiAllowed(ctx.org.plan);
  const key = `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  const id = newId("key");
  const db = await getDb();
  await db.insert(apiKeys).values({
    id,
    organizationId: ctx.org.id,
    name: input.name,
    prefix: key.slice(0, PREFIX_SHOWN),
    keyHash: hashKey(key),
    createdBy: ctx.user.id,
  });
  await recordUserAudit(ctx, "api_key.created", { target: { type: "api_key", id }, changes: { name: input.name, prefix: key.slice(0, PREFIX_SHOWN) } });
  return { id, key };
}

/** The organization's keys, newest first; revoked ones too (after the live ones) when `includeRevoked`. */
export async function listApiKeys({ orgId, includeRevoked = false }: { orgId: string; includeRevoked?: boolean }): Promise<ApiKeyView[]> {
  const db = await getDb();
  const rows = await db
    .select({ key: apiKeys, revokerName: users.name, revokerEmail: users.email })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.revokedBy))
    .where(includeRevoked ? eq(apiKeys.organizationId, orgId) : and(eq(apiKeys.organizationId, orgId), isNull(apiKeys.revokedAt)))
    .orderBy(sql`${apiKeys.revokedAt} is not null`, desc(apiKeys.createdAt));
  return rows.map(({ key: r, revokerName, revokerEmail }) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
    revokedBy: r.revokedAt ? revokerName || revokerEmail || null : null,
  }));
}

/** How many of the organization's keys are revoked: the "Show revoked" filter says it. */
export async function countRevokedApiKeys({ orgId }: { orgId: string }): Promise<number> {
  const db = await getDb();
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(apiKeys)
    .where(and(eq(apiKeys.organizationId, orgId), isNotNull(apiKeys.revokedAt)));
  return Number(row?.n ?? 0);
}

/** Revokes a key of the caller's organization; another organization's id is "not found" like an unknown one. */
export async function revokeApiKey(input: z.output<typeof apiKeyRefSchema>, ctx: SessionContext): Promise<{ id: string }> {
  const db = await getDb();
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: new Date(), revokedBy: ctx.user.id })
    .where(and(eq(apiKeys.id, input.id), eq(apiKeys.organizationId, ctx.org.id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id, name: apiKeys.name });
  if (rows.length === 0) throw new AppError("not_found:api_key", { message: "That API key does not exist or was revoked." });
  await recordUserAudit(ctx, "api_key.revoked", { target: { type: "api_key", id: input.id }, changes: { name: rows[0]!.name } });
  return { id: input.id };
}

export interface ApiCaller {
  keyId: string;
  orgId: string;
  plan: (typeof organizations.$inferSelect)["plan"];
  /** The organization was deactivated by a platform admin: its keys answer 403 until it is reactivated. */
  deactivated: boolean;
}

/** The organization behind a bearer key, or undefined for a missing, malformed, unknown or revoked key. */
export async function authenticateApiKey(authorization: string | null): Promise<ApiCaller | undefined> {
  const match = /^Bearer\s+(hk_live_[A-Za-z0-9_-]{20,100})$/.exec(authorization?.trim() ?? "");
  if (!match) return undefined;
  const db = await getDb();
  const [row] = await db
    .select({
      keyId: apiKeys.id,
      orgId: apiKeys.organizationId,
      plan: organizations.plan,
      deactivatedAt: organizations.deactivatedAt,
      lastUsedAt: apiKeys.lastUsedAt,
    })
    .from(apiKeys)
    .innerJoin(organizations, eq(organizations.id, apiKeys.organizationId))
    .where(and(eq(apiKeys.keyHash, hashKey(match[1]!)), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) return undefined;
  // Last use, to the minute: one write a minute per key, not one per request.
  const minuteAgo = new Date(Date.now() - 60_000);
  if (!row.lastUsedAt || row.lastUsedAt < minuteAgo) {
    await db
      .update(apiKeys)
      .set({ lastUsedAt: new Date() })
      .where(and(eq(apiKeys.id, row.keyId), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, minuteAgo))));
  }
  return { keyId: row.keyId, orgId: row.orgId, plan: row.plan, deactivated: row.deactivatedAt !== null };
}
