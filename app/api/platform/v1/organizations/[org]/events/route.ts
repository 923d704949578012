import { apiError } from "@/lib/api/respond";
import { publishEventFromRequest } from "@/lib/api/publish-event";
import { platformRoute, resolveOrganization } from "@/lib/platform/respond";

export const dynamic = "force-dynamic";

/**
 * POST /api/platform/v1/organizations/{org}/events: exactly POST /api/v1/events for that organization (the same
 * code path: catalog validation, idempotency key, 202 or 200). A deactivated organization answers 403, as its own
 * keys do.
 */
export const POST = platformRoute<{ org: string }>(async ({ request, params }) => {
  const org = await resolveOrganization(params.org);
  if (org.deactivatedAt) {
    return apiError(403, "forbidden", "This organization is deactivated: reactivate it (PATCH with active: true) before publishing for it.");
  }
  return publishEventFromRequest(request, org.id);
});
