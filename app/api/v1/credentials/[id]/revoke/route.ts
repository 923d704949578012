import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/lib/api/respond";
import { revokeCredentialSchema } from "@/lib/api/schemas";
import { revokeCredential } from "@/lib/sources/credentials";

export const dynamic = "force-dynamic";

/** POST /api/v1/credentials/{id}/revoke `{ reason? }` */
export const POST = apiRoute<{ id: string }>(async ({ request, caller, params }) => {
  const body = await readJson(request, revokeCredentialSchema);
  return NextResponse.json(await revokeCredential(caller.orgId, params.id, body));
});
