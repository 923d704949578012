import { NextResponse } from "next/server";
import { publishEventFromRequest } from "@/lib/api/publish-event";
import { apiRoute, parseQuery } from "@/lib/api/respond";
import { listEventsQuerySchema } from "@/lib/api/schemas";
import { listEvents } from "@/lib/sources/events";

export const dynamic = "force-dynamic";

/** POST /api/v1/events: publish an event for the key's organization. */
export const POST = apiRoute(({ request, caller }) => publishEventFromRequest(request, caller.orgId));

/** GET /api/v1/events?after=evt_...&type=...&limit=100: poll for events. */
export const GET = apiRoute(async ({ request, caller }) => {
  const query = parseQuery(request, listEventsQuerySchema);
  return NextResponse.json(await listEvents(caller.orgId, query));
});
