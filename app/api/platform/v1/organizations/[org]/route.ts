import { NextResponse } from "next/server";
import { readJson } from "@/lib/api/respond";
import { platformBy, toOrganizationResource, updatePlatformOrganization } from "@/lib/platform/organizations";
import { platformRoute, resolveOrganization } from "@/lib/platform/respond";
import { updatePlatformOrganizationSchema } from "@/lib/platform/schemas";

export const dynamic = "force-dynamic";

/** GET /api/platform/v1/organizations/{org}: one organization by Herald's id or ext:<externalId>. */
export const GET = platformRoute<{ org: string }>(async ({ params }) => NextResponse.json(toOrganizationResource(await resolveOrganization(params.org))));

/** PATCH /api/platform/v1/organizations/{org}: { name?, plan?, active? }, each recorded as the key. */
export const PATCH = platformRoute<{ org: string }>(async ({ request, params, caller, ip }) => {
  // The organization first: an unknown one is a 404 whatever the body holds.
  const org = await resolveOrganization(params.org);
  const body = await readJson(request, updatePlatformOrganizationSchema);
  return NextResponse.json(await updatePlatformOrganization(org, body, platformBy(caller, ip)));
});
