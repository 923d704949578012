import { NextResponse } from "next/server";
import { apiError, parseQuery, readJson } from "@/lib/api/respond";
import { createPlatformOrganization, ExternalIdTaken, listPlatformOrganizations, platformBy } from "@/lib/platform/organizations";
import { platformRoute } from "@/lib/platform/respond";
import { createPlatformOrganizationSchema, listOrganizationsQuerySchema, platformIdempotencyKeyField } from "@/lib/platform/schemas";

export const dynamic = "force-dynamic";

/**
 * POST /api/platform/v1/organizations: 201 the new organization; the same externalId again 409 with the existing
 * id, or 200 with the first result when the idempotency key (body or Idempotency-Key header) matches.
 */
export const POST = platformRoute(async ({ request, caller, ip }) => {
  const body = await readJson(request, createPlatformOrganizationSchema);
  const header = request.headers.get("idempotency-key");
  let idempotencyKey = body.idempotencyKey;
  if (header !== null) {
    const parsed = platformIdempotencyKeyField.safeParse(header);
    if (!parsed.success) return apiError(400, "invalid_request", "The Idempotency-Key header is not valid.", [{ path: "Idempotency-Key", message: parsed.error.issues[0]!.message }]);
    if (idempotencyKey !== undefined && idempotencyKey !== parsed.data) {
      return apiError(400, "invalid_request", "The Idempotency-Key header and idempotencyKey in the body differ: send one of them.");
    }
    idempotencyKey = parsed.data;
  }
  try {
    const outcome = await createPlatformOrganization(body, idempotencyKey, platformBy(caller, ip));
    return NextResponse.json(outcome.organization, { status: outcome.status });
  } catch (e) {
    if (e instanceof ExternalIdTaken) {
      return NextResponse.json(
        {
          error: {
            code: "conflict:external_id",
            message: `${e.message} Use it, or repeat the first request with its idempotency key to get it back with 200.`,
            existingId: e.existingId,
          },
        },
        { status: 409 },
      );
    }
    throw e;
  }
});

/** GET /api/platform/v1/organizations?externalId=&cursor=&limit=: partner organizations in creation order. */
export const GET = platformRoute(async ({ request }) => NextResponse.json(await listPlatformOrganizations(parseQuery(request, listOrganizationsQuerySchema))));
