import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/lib/api/respond";
import { renewCredentialSchema } from "@/lib/api/schemas";
import { renewCredential } from "@/lib/sources/credentials";

export const dynamic = "force-dynamic";

/** POST /api/v1/credentials/{id}/renew `{ expirationDate? }`: a successor; publishes credential.renewed. */
export const POST = apiRoute<{ id: string }>(async ({ request, caller, params }) => {
  const body = await readJson(request, renewCredentialSchema);
  const { credential } = await renewCredential(caller.orgId, params.id, body);
  return NextResponse.json(credential, { status: 201 });
});
