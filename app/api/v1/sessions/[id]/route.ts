import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/respond";
import { getSession } from "@/lib/sources/sessions";

export const dynamic = "force-dynamic";

/** GET /api/v1/sessions/{id} */
export const GET = apiRoute<{ id: string }>(async ({ caller, params }) => NextResponse.json(await getSession(caller.orgId, params.id)));
