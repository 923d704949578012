import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/lib/api/respond";
import { completeSessionSchema } from "@/lib/api/schemas";
import { completeSession } from "@/lib/sources/sessions";

export const dynamic = "force-dynamic";

/** POST /api/v1/sessions/{id}/complete: the terminal status, once (409 after that); publishes its event. */
export const POST = apiRoute<{ id: string }>(async ({ request, caller, params }) => {
  const body = await readJson(request, completeSessionSchema);
  return NextResponse.json(await completeSession(caller.orgId, params.id, body));
});
