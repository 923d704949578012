import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/lib/api/respond";
import { bulkIssueSchema } from "@/lib/api/schemas";
import { startBulkIssuance } from "@/lib/sources/bulk-issuance";

export const dynamic = "force-dynamic";

/** POST /api/v1/credentials/bulk: up to 1,000 recipients, issued by a background job. */
export const POST = apiRoute(async ({ request, caller }) => {
  const body = await readJson(request, bulkIssueSchema);
  const { bulkIssuance, duplicate } = await startBulkIssuance(caller.orgId, body);
  return NextResponse.json(bulkIssuance, { status: duplicate ? 200 : 202 });
});
