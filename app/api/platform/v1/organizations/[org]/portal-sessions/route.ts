import { NextResponse } from "next/server";
import { readJson } from "@/lib/api/respond";
import { env } from "@/lib/env";
import { platformActor, platformRoute, resolveOrganization } from "@/lib/platform/respond";
import { issuePortalLink, portalSessionRequestSchema } from "@/lib/platform/portal-sessions";

export const dynamic = "force-dynamic";

/**
 * POST /api/platform/v1/organizations/{org}/portal-sessions: a magic link into that organization's portal,
 * `201 { url, expiresAt }`. The link opens once, within its lifetime; the token is in the answer and nowhere else.
 */
export const POST = platformRoute<{ org: string }>(async ({ request, caller, params, ip }) => {
  const org = await resolveOrganization(params.org);
  const input = await readJson(request, portalSessionRequestSchema);
  const link = await issuePortalLink({
    orgId: org.id,
    input,
    actor: platformActor(caller),
    ip,
    baseUrl: env.appUrl ?? new URL(request.url).origin,
  });
  return NextResponse.json({ url: link.url, expiresAt: link.expiresAt.toISOString() }, { status: 201, headers: { "Cache-Control": "no-store" } });
});
