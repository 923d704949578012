import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/respond";
import { getCredential } from "@/lib/sources/credentials";

export const dynamic = "force-dynamic";

/** GET /api/v1/credentials/{id}: by credential id (CRD-...) or UUID. */
export const GET = apiRoute<{ id: string }>(async ({ caller, params }) => NextResponse.json(await getCredential(caller.orgId, params.id)));
