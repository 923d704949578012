import { NextResponse } from "next/server";
import { publishEvent } from "@/lib/delivery/publish";
import { readJson } from "./respond";
import { publishEventSchema } from "./schemas";

/**
 * POST /api/v1/events and POST /api/platform/v1/organizations/{org}/events share this one path: the body checked
 * against publishEventSchema, the data against the catalog, the idempotency key honoured; 202 published, 200 the
 * key was seen before (the first event's id, nothing sent again). `onPublished` runs for a new event only (the platform
 * API records it in the audit log as its key).
 */
export async function publishEventFromRequest(
  request: Request,
  orgId: string,
  onPublished?: (event: { id: string; type: string }) => Promise<unknown>,
): Promise<Response> {
  const body = await readJson(request, publishEventSchema);
  const event = await publishEvent(orgId, body.type, body.data, { idempotencyKey: body.idempotencyKey });
  if (!event.duplicate && onPublished) await onPublished({ id: event.id, type: event.type });
  return NextResponse.json({ id: event.id }, { status: event.duplicate ? 200 : 202 });
}
