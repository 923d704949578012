import { NextResponse } from "next/server";
import { toEndpointResource } from "@/lib/api/endpoints";
import { listEndpoints } from "@/lib/endpoints/operations";
import { platformRoute, resolveOrganization } from "@/lib/platform/respond";

export const dynamic = "force-dynamic";

/** GET /api/platform/v1/organizations/{org}/endpoints: as GET /api/v1/endpoints (never secrets or header values). */
export const GET = platformRoute<{ org: string }>(async ({ params }) => {
  const org = await resolveOrganization(params.org);
  return NextResponse.json({ data: (await listEndpoints({ orgId: org.id })).map(toEndpointResource) });
});
