import { NextResponse } from "next/server";
import { apiRoute, parseQuery, readJson } from "@/lib/api/respond";
import { issueCredentialSchema, listCredentialsQuerySchema } from "@/lib/api/schemas";
import { issueCredential, listCredentials } from "@/lib/sources/credentials";

export const dynamic = "force-dynamic";

/** POST /api/v1/credentials: issue one credential; publishes credential.issued. */
export const POST = apiRoute(async ({ request, caller }) => {
  const body = await readJson(request, issueCredentialSchema);
  const { credential, duplicate } = await issueCredential(caller.orgId, body);
  return NextResponse.json(credential, { status: duplicate ? 200 : 201 });
});

/** GET /api/v1/credentials?limit=100&status=revoked&createdAfter=...&cursor=...: poll for credentials. */
export const GET = apiRoute(async ({ request, caller }) => {
  const query = parseQuery(request, listCredentialsQuerySchema);
  return NextResponse.json(await listCredentials(caller.orgId, query));
});
