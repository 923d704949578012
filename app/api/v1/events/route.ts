import { NextResponse } from "next/server";
import { apiRoute, parseQuery, readJson } from "@/lib/api/respond";
import { listEventsQuerySchema, publishEventSchema } from "@/lib/api/schemas";
import { listEvents } from "@/lib/sources/events";
import { publishEvent } from "@/lib/delivery/publish";

export const dynamic = "force-dynamic";

/** POST /api/v1/events: publish an event for the key's organization. */
export const POST = apiRoute(async ({ request, caller }) => {
  const body = await readJson(request, publishEventSchema);
  const event = await publishEvent(caller.orgId, body.type, body.data, { idempotencyKey: body.idempotencyKey });
  return NextResponse.json({ id: event.id }, { status: event.duplicate ? 200 : 202 });
});

/** GET /api/v1/events?after=evt_...&type=...&limit=100: poll for events. */
export const GET = apiRoute(async ({ request, caller }) => {
  const query = parseQuery(request, listEventsQuerySchema);
  return NextResponse.json(await listEvents(caller.orgId, query));
});
