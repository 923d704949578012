import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/lib/api/respond";
import { createSessionSchema } from "@/lib/api/schemas";
import { createSession } from "@/lib/sources/sessions";

export const dynamic = "force-dynamic";

/** POST /api/v1/sessions: start a verification session (PENDING). */
export const POST = apiRoute(async ({ request, caller }) => {
  const body = await readJson(request, createSessionSchema);
  const { session, duplicate } = await createSession(caller.orgId, body);
  return NextResponse.json(session, { status: duplicate ? 200 : 201 });
});
