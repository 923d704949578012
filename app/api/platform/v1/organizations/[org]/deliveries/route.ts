import { NextResponse } from "next/server";
import { parseQuery } from "@/lib/api/respond";
import { listPlatformDeliveries } from "@/lib/platform/organizations";
import { platformRoute, resolveOrganization } from "@/lib/platform/respond";
import { listDeliveriesQuerySchema } from "@/lib/platform/schemas";

export const dynamic = "force-dynamic";

/** GET /api/platform/v1/organizations/{org}/deliveries?status=&cursor=: newest first, read-only, no payloads or secrets. */
export const GET = platformRoute<{ org: string }>(async ({ request, params }) => {
  const org = await resolveOrganization(params.org);
  return NextResponse.json(await listPlatformDeliveries(org, parseQuery(request, listDeliveriesQuerySchema)));
});
