/**
 * The platform API's route wrapper: every route under /api/platform/v1 is written as
 *
 *   export const POST = platformRoute<{ org: string }>(async ({ request, caller, params }) => {
 *     const org = await resolveOrganization(params.org);          // 404 for an unknown id or `ext:` spelling
 *     const body = await readJson(request, someZodSchema);         // 413 / 400 with issues, from lib/api/respond
 *     ... act on org.id, recording audit events with platformActor(caller) ...
 *     return NextResponse.json(result, { status: 201 });
 *   });
 *
 * It authenticates `Authorization: Bearer hk_platform_...` (anything else, a partner's hk_live_ key included, is a
 * 401), applies the same per-key rate limit, NUL/control-character path guard, body limits (through readJson) and
 * error shape `{ error: { code, message, issues? } }` as the partner API (lib/api/respond.ts); an unexpected error
 * is logged and answered with a plain 500 with no detail. Platform keys act on every organization by design, so
 * there is no tenant from the key: each route names the organization in its path and resolves it here.
 */
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db";
import { organizations } from "@/db/schema";
import { apiError, failureResponse, hasControlCharacter, rateLimited } from "@/lib/api/respond";
import type { AuditActor } from "@/lib/audit";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { clientAddressFrom } from "@/lib/net/client-address";
import { authenticatePlatformKey, type PlatformCaller } from "./keys";

export interface PlatformContext<P> {
  request: Request;
  caller: PlatformCaller;
  params: P;
  /** The client's address, for the audit log. */
  ip: string | null;
}

type Handler<P> = (ctx: PlatformContext<P>) => Promise<Response>;

/** Wraps a platform API handler (see the comment at the top of this file). */
export function platformRoute<P extends Record<string, string> = Record<string, never>>(handler: Handler<P>) {
  return async (request: Request, context?: { params: Promise<P> }): Promise<Response> => {
    try {
      const caller = await authenticatePlatformKey(request.headers.get("authorization"));
      if (!caller) return apiError(401, "unauthorized", "Send a valid platform key: Authorization: Bearer hk_platform_...");
      // Buckets apart from partner keys', though the ids could never collide anyway.
      const limited = rateLimited(`platform:${caller.keyId}`);
      if (limited) return limited;
      const params = ((await context?.params) ?? {}) as P;
      if (hasControlCharacter(params)) return apiError(404, "not_found", "Nothing here has that id.");
      const address = clientAddressFrom(request.headers, env.trustedProxyHops);
      return await handler({ request, caller, params, ip: address === "unknown" ? null : address });
    } catch (e) {
      return failureResponse(request, e);
    }
  };
}

/** The audit actor for a platform API call: the key. */
export function platformActor(caller: PlatformCaller): AuditActor {
  return { type: "platform_key", id: caller.keyId };
}

const ORG_ID = /^org_[0-9a-z]{20}$/;
/** The same characters the admin form allows in an external id (lib: externalIdField), 1-128 of them. */
const EXTERNAL_ID = /^[\x21-\x7e]{1,128}$/;
export const ORGANIZATION_NOT_FOUND = "No organization has that id. Use Herald's id (org_...) or ext:<externalId>.";

export interface ResolvedOrganization {
  id: string;
  name: string;
  slug: string;
  plan: (typeof organizations.$inferSelect)["plan"];
  externalId: string | null;
  deactivatedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * `{org}` in a platform path: Herald's id (`org_...`) or `ext:<externalId>` (percent-encode characters such as `/`
 * or `?` in the external id). Anything else, an unknown one, and Herald's own platform organization (its endpoints
 * are the operational webhooks, not a partner's) are a 404 with the same message, never a 500.
 */
export async function resolveOrganization(spelling: string): Promise<ResolvedOrganization> {
  const notFound = new AppError("not_found:organization", { message: ORGANIZATION_NOT_FOUND });
  let condition;
  if (ORG_ID.test(spelling)) condition = eq(organizations.id, spelling);
  else if (spelling.startsWith("ext:") && EXTERNAL_ID.test(spelling.slice(4))) condition = eq(organizations.externalId, spelling.slice(4));
  else throw notFound;
  const db = await getDb();
  const [row] = await db
    .select({
      id: organizations.id,
      name: organizations.name,
      slug: organizations.slug,
      plan: organizations.plan,
      externalId: organizations.externalId,
      deactivatedAt: organizations.deactivatedAt,
      createdAt: organizations.createdAt,
      updatedAt: organizations.updatedAt,
    })
    .from(organizations)
    .where(and(condition, eq(organizations.isPlatform, false)))
    .limit(1);
  if (!row) throw notFound;
  return row;
}
