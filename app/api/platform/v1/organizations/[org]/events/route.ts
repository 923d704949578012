import { apiError } from "@/lib/api/respond";
import { publishEventFromRequest } from "@/lib/api/publish-event";
import { recordAudit } from "@/lib/audit";
import { platformActor, platformRoute, resolveOrganization } from "@/lib/platform/respond";

export const dynamic = "force-dynamic";

/**
 * POST /api/platform/v1/organizations/{org}/events: exactly POST /api/v1/events for that organization (the same
 * code path: catalog validation, idempotency key, 202 or 200), recorded in its audit log as the key. A deactivated
 * organization answers 403, as its own keys do.
 */
export const POST = platformRoute<{ org: string }>(async ({ request, params, caller, ip }) => {
  const org = await resolveOrganization(params.org);
  if (org.deactivatedAt) {
    return apiError(403, "forbidden", "This organization is deactivated: reactivate it (PATCH with active: true) before publishing for it.");
  }
  // Every change a platform key makes is in the organization's audit log as the key (a repeat changes nothing).
  return publishEventFromRequest(request, org.id, (event) =>
    recordAudit({ organizationId: org.id, actor: platformActor(caller), action: "event.published", target: { type: "event", id: event.id }, ip, changes: { type: event.type } }),
  );
});
