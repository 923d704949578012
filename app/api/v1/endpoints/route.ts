import { NextResponse } from "next/server";
import { toEndpointResource } from "@/lib/api/endpoints";
import { apiRoute } from "@/lib/api/respond";
import { listEndpoints } from "@/lib/endpoints/operations";

export const dynamic = "force-dynamic";

/** GET /api/v1/endpoints: the key's organization's endpoints (not deleted), newest first, each with its health. */
export const GET = apiRoute(async ({ caller }) => NextResponse.json({ data: (await listEndpoints({ orgId: caller.orgId })).map(toEndpointResource) }));
