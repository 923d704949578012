import { NextResponse } from "next/server";
import { readJson } from "@/lib/api/respond";
import { invitePlatformMember, platformBy } from "@/lib/platform/organizations";
import { platformRoute, resolveOrganization } from "@/lib/platform/respond";
import { createPlatformInvitationSchema } from "@/lib/platform/schemas";

export const dynamic = "force-dynamic";

/** POST /api/platform/v1/organizations/{org}/invitations: the portal's invitation, sent (or kept without SMTP). */
export const POST = platformRoute<{ org: string }>(async ({ request, params, caller, ip }) => {
  const org = await resolveOrganization(params.org);
  const body = await readJson(request, createPlatformInvitationSchema);
  return NextResponse.json(await invitePlatformMember(org, body, platformBy(caller, ip)), { status: 201 });
});
