import { NextResponse } from "next/server";
import { endpointIdSchema } from "@/app/(portal)/webhooks/schemas";
import { apiRoute, readJson } from "@/lib/api/respond";
import { verificationCheckRequestSchema } from "@/lib/api/schemas";
import { runVerificationCheck } from "@/lib/delivery/verification-check";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { clientAddressFrom } from "@/lib/net/client-address";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/endpoints/{id}/verification-checks: runs the signature verification self-test against one of the
 * key's endpoints (six requests, marked as tests) and answers the report. Limited per endpoint like the portal's.
 */
export const POST = apiRoute<{ id: string }>(async ({ request, caller, params }) => {
  await readJson(request, verificationCheckRequestSchema);
  if (!endpointIdSchema.safeParse(params.id).success) {
    throw new AppError("not_found:endpoint", { message: "That endpoint does not exist or was deleted." });
  }
  const address = clientAddressFrom(request.headers, env.trustedProxyHops);
  const run = await runVerificationCheck(
    { orgId: caller.orgId, plan: caller.plan, actor: { type: "api_key", id: caller.keyId }, ip: address === "unknown" ? null : address },
    params.id,
  );
  return NextResponse.json(run, { status: 201 });
});
