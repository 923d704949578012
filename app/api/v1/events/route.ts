import { NextResponse } from "next/server";
import { z } from "zod";
import { authenticateApiKey } from "@/lib/api-keys";
import { isAppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { publishEvent } from "@/lib/webhooks/publish";

export const dynamic = "force-dynamic";

const MAX_BODY_BYTES = 256 * 1024;

const publishEventSchema = z.object({
  type: z.string({ error: "Give the event type, e.g. credential.revoked." }).min(1).max(100),
  data: z.record(z.string(), z.unknown(), { error: "Give the event's data as a JSON object." }),
  idempotencyKey: z.string().trim().min(1).max(200).optional(),
});

function error(status: number, code: string, message: string, issues?: unknown) {
  return NextResponse.json({ error: { code, message, ...(issues ? { issues } : {}) } }, { status });
}

/** POST /api/v1/events: publish an event for the key's organization. */
export async function POST(request: Request) {
  const caller = await authenticateApiKey(request.headers.get("authorization"));
  if (!caller) return error(401, "unauthorized", "Send a valid API key: Authorization: Bearer hk_live_...");
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) return error(413, "payload_too_large", "The body is over 256 KB.");
  const raw = await request.text();
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return error(413, "payload_too_large", "The body is over 256 KB.");
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return error(400, "invalid_json", "The body is not valid JSON.");
  }
  const parsed = publishEventSchema.safeParse(body);
  if (!parsed.success) {
    return error(400, "invalid_request", "The request does not match the schema.", parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  }
  try {
    const event = await publishEvent(caller.orgId, parsed.data.type, parsed.data.data, { idempotencyKey: parsed.data.idempotencyKey });
    return NextResponse.json({ id: event.id }, { status: event.duplicate ? 200 : 202 });
  } catch (e) {
    if (isAppError(e) && e.status === 400) {
      const issues = e.fieldErrors ? Object.entries(e.fieldErrors).map(([path, messages]) => ({ path, message: messages[0] })) : undefined;
      return error(400, e.code, e.message, issues);
    }
    logger.error("publishing through the API failed", { error: e });
    return error(500, "internal", "Something went wrong on our side. Please try again.");
  }
}
