import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull, lt, or } from "drizzle-orm";
import type { z } from "zod";
import type { createPlatformKeySchema, platformKeyRefSchema } from "@/app/(portal)/admin/platform-api/schemas";
import { getDb } from "@/db";
import type { SessionContext } from "@/db/queries/users";
import { platformKeys } from "@/db/schema";
import { recordUserAudit } from "@/lib/audit/request";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";

export const PLATFORM_KEY_PREFIX = "hk_platform_";
const PREFIX_SHOWN = PLATFORM_KEY_PREFIX.length + 6;
/** `hk_platform_` and 32 random bytes in base64url (43 characters). */
export const PLATFORM_KEY_PATTERN = /^hk_platform_[A-Za-z0-9_-]{43}$/;

const hashKey = (key: string) => createHash("sha256").update(key).digest("hex");

export interface PlatformKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Platform admins only: everyone else gets the not-found a missing page gives. */
function assertPlatformAdmin(ctx: SessionContext): void {
  if (!ctx.user.isPlatformAdmin) throw new AppError("not_found", { message: "We could not find that." });
}

/** Creates a platform key; the only time its value is ever returned. Recorded as a platform-wide audit event. */
export async function createPlatformKey(input: z.output<typeof createPlatformKeySchema>, ctx: SessionContext): Promise<{ id: string; key: string; prefix: string }> {
  assertPlatformAdmin(ctx);
  const key = `${PLATFORM_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  const id = newId("pkey");
  const prefix = key.slice(0, PREFIX_SHOWN);
  const db = await getDb();
  await db.insert(platformKeys).values({ id, name: input.name, prefix, keyHash: hashKey(key), createdBy: ctx.user.id });
  await recordUserAudit(ctx, "platform_key.created", { organizationId: null, target: { type: "platform_key", id }, changes: { name: input.name, prefix } });
  return { id, key, prefix };
}

/** Every platform key, newest first; revoked ones too (the page greys them). */
export async function listPlatformKeys(ctx: SessionContext): Promise<PlatformKeyView[]> {
  assertPlatformAdmin(ctx);
  const db = await getDb();
  const rows = await db.select().from(platformKeys).orderBy(desc(platformKeys.createdAt), desc(platformKeys.id));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  }));
}

/** Revokes a platform key: its next request gets 401. */
export async function revokePlatformKey(input: z.output<typeof platformKeyRefSchema>, ctx: SessionContext): Promise<{ id: string }> {
  assertPlatformAdmin(ctx);
  const db = await getDb();
  const rows = await db
    .update(platformKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(platformKeys.id, input.id), isNull(platformKeys.revokedAt)))
    .returning({ id: platformKeys.id, name: platformKeys.name, prefix: platformKeys.prefix });
  if (rows.length === 0) throw new AppError("not_found:platform_key", { message: "That platform key does not exist or was already revoked." });
  await recordUserAudit(ctx, "platform_key.revoked", {
    organizationId: null,
    target: { type: "platform_key", id: input.id },
    changes: { name: rows[0]!.name, prefix: rows[0]!.prefix },
  });
  return { id: input.id };
}

export interface PlatformCaller {
  keyId: string;
  keyName: string;
}

/**
 * The platform key behind a bearer header, or undefined for a missing, malformed, unknown or revoked one. Partner
 * keys (`hk_live_`) never match the pattern, so they are simply unknown here.
 */
export async function authenticatePlatformKey(authorization: string | null): Promise<PlatformCaller | undefined> {
  const match = /^Bearer\s+(\S+)$/.exec(authorization?.trim() ?? "");
  if (!match || !PLATFORM_KEY_PATTERN.test(match[1]!)) return undefined;
  const db = await getDb();
  const [row] = await db
    .select({ keyId: platformKeys.id, keyName: platformKeys.name, lastUsedAt: platformKeys.lastUsedAt })
    .from(platformKeys)
    .where(and(eq(platformKeys.keyHash, hashKey(match[1]!)), isNull(platformKeys.revokedAt)))
    .limit(1);
  if (!row) return undefined;
  // Last use, to the minute: one write a minute per key, not one per request.
  const minuteAgo = new Date(Date.now() - 60_000);
  if (!row.lastUsedAt || row.lastUsedAt < minuteAgo) {
    await db
      .update(platformKeys)
      .set({ lastUsedAt: new Date() })
      .where(and(eq(platformKeys.id, row.keyId), or(isNull(platformKeys.lastUsedAt), lt(platformKeys.lastUsedAt, minuteAgo))));
  }
  return { keyId: row.keyId, keyName: row.keyName };
}
