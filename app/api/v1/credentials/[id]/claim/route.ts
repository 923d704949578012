import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/lib/api/respond";
import { claimCredentialSchema } from "@/lib/api/schemas";
import { claimCredential } from "@/lib/sources/credentials";

export const dynamic = "force-dynamic";

/** POST /api/v1/credentials/{id}/claim: the recipient claimed it (once, before it expires). */
export const POST = apiRoute<{ id: string }>(async ({ request, caller, params }) => {
  await readJson(request, claimCredentialSchema);
  return NextResponse.json(await claimCredential(caller.orgId, params.id));
});
