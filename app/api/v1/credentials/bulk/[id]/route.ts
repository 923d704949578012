import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/respond";
import { getBulkIssuance } from "@/lib/sources/bulk-issuance";

export const dynamic = "force-dynamic";

/** GET /api/v1/credentials/bulk/{id}: the job's progress, counts and failures. */
export const GET = apiRoute<{ id: string }>(async ({ caller, params }) => NextResponse.json(await getBulkIssuance(caller.orgId, params.id)));
